SELECT (days_to_issue // 7)::INTEGER AS weeks_to_issue,
       count(*) AS plans_issued,
       -- Week 20 holds days 140-146: only day 140 is within, so split by the flag.
       count(*) FILTER (WHERE within_20_weeks) AS within_20_weeks,
       count(*) FILTER (WHERE NOT within_20_weeks) AS after_20_weeks
FROM mart_plans_issued WHERE issue_year = $year AND issued_date <= $as_of
GROUP BY ALL ORDER BY weeks_to_issue
