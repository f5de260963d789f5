SELECT issue_month,
       plans_issued, within_20_weeks,
       plans_issued_excl_exceptions, within_20_weeks_excl_exceptions,
       rolling_plans_issued::BIGINT AS rolling_plans_issued,
       rolling_within_20_weeks::BIGINT AS rolling_within_20_weeks,
       rolling_plans_issued_excl::BIGINT AS rolling_plans_issued_excl_exceptions,
       rolling_within_excl::BIGINT AS rolling_within_20_weeks_excl_exceptions,
       rolling_months
FROM mart_issued_monthly
WHERE issue_month >= $from_month
  -- Only complete months: a month still in progress at the as-at date would be misleading.
  AND issue_month + INTERVAL 1 MONTH <= $as_of + INTERVAL 1 DAY
  AND issue_month <= $to_month
ORDER BY issue_month
