SELECT ref, name, coalesce(workstream, 'Not given') AS workstream, owner,
       reported_status, computed_rag, disagreement
FROM plan_items_at($as_of::DATE)
WHERE disagreement IS NOT NULL
  AND ($plan IS NULL OR plan = $plan)
  AND ($workstreams IS NULL OR list_contains($workstreams, coalesce(workstream, 'Not given')))
  AND ($owners IS NULL OR list_contains($owners, coalesce(owner, 'Not given')))
  AND ($rags IS NULL OR list_contains($rags, rag))
ORDER BY name
