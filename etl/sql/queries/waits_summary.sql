-- Per service, the waiting list as at $as_of (issue 12, DESIGN §4). Waiting at D: referred on or
-- before D, not seen on or before D, not removed on or before D. Days waiting = D - referral date;
-- the median and 90th percentile are PERCENTILE.INC (quantile_cont: linear interpolation between
-- closest ranks) over days, turned into weeks (/ 7, 1 dp) in etl.queries. Every service with
-- local referrals is listed; nobody waiting gives 0 and NULLs.
WITH services AS (
    SELECT service, bool_or(service_mapped) AS service_mapped, count(*) AS referrals
    FROM waits_referrals GROUP BY service
),
waiting AS (
    SELECT service, ($as_of::DATE - referral_date) AS days
    FROM waits_referrals
    WHERE referral_date <= $as_of::DATE
      AND (seen_date IS NULL OR seen_date > $as_of::DATE)
      AND (removed_date IS NULL OR removed_date > $as_of::DATE)
)
SELECT s.service, s.service_mapped, s.referrals,
       count(w.days)::INTEGER AS waiting,
       quantile_cont(w.days, 0.5) AS median_days_waiting,
       quantile_cont(w.days, 0.9) AS p90_days_waiting,
       count(*) FILTER (WHERE w.days > 126)::INTEGER AS over_18_weeks,
       count(*) FILTER (WHERE w.days > 91)::INTEGER AS over_13_weeks,
       count(*) FILTER (WHERE w.days > 364)::INTEGER AS over_52_weeks,
       max(w.days) AS longest_days_waiting
FROM services s LEFT JOIN waiting w USING (service)
GROUP BY ALL
ORDER BY s.service_mapped DESC, s.service;
