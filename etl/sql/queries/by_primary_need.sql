SELECT primary_need,
       count(*) AS plans_issued,
       count(*) FILTER (WHERE within_20_weeks) AS within_20_weeks,
       count(*) FILTER (WHERE in_excl_exceptions) AS plans_issued_excl_exceptions,
       count(*) FILTER (WHERE in_excl_exceptions AND within_20_weeks)
           AS within_20_weeks_excl_exceptions
FROM mart_plans_issued WHERE issue_year = $year AND issued_date <= $as_of
GROUP BY primary_need ORDER BY plans_issued DESC, primary_need
