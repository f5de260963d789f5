SELECT DISTINCT 'workstream' AS facet, coalesce(workstream, 'Not given') AS value
FROM plan_items_at($as_of::DATE) WHERE ($plan IS NULL OR plan = $plan)
UNION SELECT DISTINCT 'owner', coalesce(owner, 'Not given')
FROM plan_items_at($as_of::DATE) WHERE ($plan IS NULL OR plan = $plan)
ORDER BY facet, value
