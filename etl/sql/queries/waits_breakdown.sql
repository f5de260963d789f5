-- The waiting list as at $as_of by service and $by ('age_band': age at referral; 'provider').
WITH waiting AS (
    SELECT service,
           CASE WHEN $by = 'provider' THEN provider ELSE age_band END AS "group",
           $as_of::DATE - referral_date AS days
    FROM waits_referrals
    WHERE referral_date <= $as_of::DATE
      AND (seen_date IS NULL OR seen_date > $as_of::DATE)
      AND (removed_date IS NULL OR removed_date > $as_of::DATE)
)
SELECT service, "group",
       count(*)::INTEGER AS waiting,
       quantile_cont(days, 0.5) AS median_days_waiting,
       count(*) FILTER (WHERE days > 126)::INTEGER AS over_18_weeks
FROM waiting
GROUP BY service, "group"
-- Age bands youngest first; providers by name.
ORDER BY service,
         coalesce(list_position(['Under 5', '5 to 10', '11 to 15', '16 to 19', '20 to 25',
                                 'Not given'], "group"), 0),
         "group";
