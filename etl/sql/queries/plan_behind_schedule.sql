SELECT ref, name, coalesce(workstream, 'Not given') AS workstream, rag, computed_rag,
       override_rag, end_date,
       revised_date, reason, mitigation, owner
FROM plan_items_at($as_of::DATE)
WHERE ($plan IS NULL OR plan = $plan)
  AND rag <> 'Complete'
  -- Red by the rule stays here when the board overrode it to Amber: still late, and marked.
  AND (rag = 'Red' OR computed_rag = 'Red' OR revised_date > end_date OR reason IS NOT NULL)
  AND ($workstreams IS NULL OR list_contains($workstreams, coalesce(workstream, 'Not given')))
  AND ($owners IS NULL OR list_contains($owners, coalesce(owner, 'Not given')))
  AND ($rags IS NULL OR list_contains($rags, rag))
ORDER BY ref NULLS LAST, end_date, name
