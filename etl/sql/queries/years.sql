SELECT DISTINCT year FROM (
    SELECT issue_year AS year FROM mart_plans_issued
    UNION ALL SELECT decision_year FROM mart_decisions
    UNION ALL SELECT year(received_date) FROM fact_request WHERE received_date IS NOT NULL)
WHERE year <= year($as_of)
ORDER BY year DESC
