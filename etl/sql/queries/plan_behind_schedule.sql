SELECT ref, name, coalesce(workstream, 'Not given') AS workstream, rag, end_date,
       revised_date, reason, mitigation, owner
FROM plan_items_at($as_of::DATE)
WHERE rag <> 'Complete'
  AND (rag = 'Red' OR revised_date > end_date OR reason IS NOT NULL)
  AND ($workstreams IS NULL OR list_contains($workstreams, coalesce(workstream, 'Not given')))
  AND ($owners IS NULL OR list_contains($owners, coalesce(owner, 'Not given')))
  AND ($rags IS NULL OR list_contains($rags, rag))
ORDER BY ref NULLS LAST, end_date, name
