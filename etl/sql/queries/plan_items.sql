SELECT plan, report_date, item_kind, ref, name, coalesce(workstream, 'Not given')
           AS workstream, owner, start_date, end_date, pct_complete, expected_pct, rag,
       computed_rag, reported_status, disagreement, override_rag, override_reason,
       override_author, override_at, revised_date, reason, mitigation
FROM plan_items_at($as_of::DATE)
WHERE ($workstreams IS NULL OR list_contains($workstreams, coalesce(workstream, 'Not given')))
  AND ($owners IS NULL OR list_contains($owners, coalesce(owner, 'Not given')))
  AND ($rags IS NULL OR list_contains($rags, rag))
ORDER BY CASE rag WHEN 'Red' THEN 1 WHEN 'Amber' THEN 2 WHEN 'Green' THEN 3
                  WHEN 'Not started' THEN 4 ELSE 5 END, end_date, name
