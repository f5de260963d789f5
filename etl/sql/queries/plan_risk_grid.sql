WITH levels(level) AS (VALUES (1), (2), (3), (4), (5))
SELECT l.level AS likelihood, i.level AS impact,
       count(r.ref) + count(r.description) FILTER (WHERE r.ref IS NULL) AS risks,
       string_agg(coalesce(r.ref, left(r.description, 30)), ', ' ORDER BY r.ref)
           AS refs
FROM levels l CROSS JOIN levels i
LEFT JOIN (SELECT * FROM plan_registers_at($as_of::DATE) WHERE register = 'Risk'
                 AND ($plan IS NULL OR plan = $plan)) r
       ON r.likelihood = l.level AND r.impact = i.level
GROUP BY ALL ORDER BY likelihood DESC, impact
