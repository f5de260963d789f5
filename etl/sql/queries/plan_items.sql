SELECT plan, report_date, item_kind, ref, name, coalesce(workstream, 'Not given')
           AS workstream, owner, start_date, end_date, pct_complete, expected_pct, rag,
       computed_rag, reported_status, disagreement, override_rag, override_reason,
       override_author, override_at, revised_date, reason, mitigation
FROM plan_items_at($as_of::DATE) i
WHERE ($plan IS NULL OR plan = $plan)
  AND ($workstreams IS NULL OR list_contains($workstreams, coalesce(workstream, 'Not given')))
  AND ($owners IS NULL OR list_contains($owners, coalesce(owner, 'Not given')))
  AND ($rags IS NULL OR list_contains($rags, rag))
ORDER BY (SELECT s.rag_order FROM rag_scale s WHERE s.rag = i.rag), end_date, name
