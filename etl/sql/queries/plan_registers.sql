SELECT register, ref, description, impact_description, likelihood, impact, score,
       status, owner, target_date, mitigation
FROM plan_registers_at($as_of::DATE)
WHERE ($plan IS NULL OR plan = $plan)
ORDER BY CASE register WHEN 'Risk' THEN 1 WHEN 'Issue' THEN 2 ELSE 3 END,
         score DESC NULLS LAST, impact DESC NULLS LAST, ref
