WITH issued AS (SELECT * FROM mart_plans_issued WHERE issue_year = $year AND issued_date <= $as_of)
SELECT 1 AS stage_order, 'Request to decision to assess' AS stage,
       count(days_to_decision) AS plans_issued,
       median(days_to_decision) AS median_days, avg(days_to_decision) AS mean_days
FROM issued
UNION ALL
SELECT 2, 'Decision to assess to plan issued', count(days_decision_to_issue),
       median(days_decision_to_issue), avg(days_decision_to_issue)
FROM issued
UNION ALL
SELECT 3, 'Request to plan issued (whole process)', count(days_to_issue),
       median(days_to_issue), avg(days_to_issue)
FROM issued
ORDER BY stage_order
