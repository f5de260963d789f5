-- Seen in the period $start..$end (first seen date inside it, whatever happened after): how
-- many, and the median days from referral to first seen (weeks in etl.queries).
SELECT service, count(*)::INTEGER AS seen,
       quantile_cont(seen_date - referral_date, 0.5) AS median_days_to_first_seen
FROM waits_referrals
WHERE seen_date BETWEEN $start::DATE AND $end::DATE
GROUP BY ALL
ORDER BY service;
