SELECT change, change_order, ref, name, coalesce(workstream, 'Not given') AS workstream,
       owner, rag_now AS rag, rag_before, detail
FROM plan_changes_at($as_of::DATE)
WHERE ($plan IS NULL OR plan = $plan)
  AND ($workstreams IS NULL OR list_contains($workstreams, coalesce(workstream,
       'Not given')))
  AND ($owners IS NULL OR list_contains($owners, coalesce(owner, 'Not given')))
  AND ($rags IS NULL OR list_contains($rags, rag_now))
ORDER BY change_order, name
