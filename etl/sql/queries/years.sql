-- The calendar years a page can show: from the first year with a plan issued or a decision
-- made (never before EHC plans began in 2014; old requests received long before add nothing)
-- to the as-at year.
WITH years AS (
    SELECT issue_year AS year, true AS outcome FROM mart_plans_issued
    UNION ALL SELECT decision_year, true FROM mart_decisions
    UNION ALL SELECT year(received_date), false FROM fact_request
    WHERE received_date IS NOT NULL)
SELECT DISTINCT year FROM years
WHERE year <= year($as_of)
  AND year >= greatest(2014, coalesce((SELECT min(year) FROM years WHERE outcome), 2014))
ORDER BY year DESC
