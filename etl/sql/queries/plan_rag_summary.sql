WITH rags AS (SELECT rag, rag_order FROM rag_scale),
items AS (
    SELECT coalesce(workstream, 'Not given') AS workstream, rag
    FROM plan_items_at($as_of::DATE)
    WHERE ($plan IS NULL OR plan = $plan)
      AND ($workstreams IS NULL OR list_contains($workstreams, coalesce(workstream, 'Not given')))
      AND ($owners IS NULL OR list_contains($owners, coalesce(owner, 'Not given')))
      AND ($rags IS NULL OR list_contains($rags, rag)))
SELECT w.workstream, r.rag, r.rag_order,
       count(i.rag) AS items
FROM (SELECT DISTINCT workstream FROM items) w CROSS JOIN rags r
LEFT JOIN items i ON i.workstream = w.workstream AND i.rag = r.rag
GROUP BY ALL ORDER BY w.workstream, r.rag_order
