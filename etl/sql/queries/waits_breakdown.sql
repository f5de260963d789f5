-- The waiting list as at $as_of by service and $by ('age_band': age at referral; 'provider').
SELECT service,
       CASE WHEN $by = 'provider' THEN provider ELSE age_band END AS "group",
       count(*)::INTEGER AS waiting,
       quantile_cont($as_of::DATE - referral_date, 0.5) AS median_days_waiting,
       count(*) FILTER (WHERE $as_of::DATE - referral_date > 126)::INTEGER AS over_18_weeks
FROM waits_referrals
WHERE referral_date <= $as_of::DATE
  AND (seen_date IS NULL OR seen_date > $as_of::DATE)
  AND (removed_date IS NULL OR removed_date > $as_of::DATE)
GROUP BY ALL
ORDER BY service,
         CASE WHEN $by = 'provider' THEN 0 ELSE list_position(
             ['Under 5', '5 to 10', '11 to 15', '16 to 19', '20 to 25', 'Not given'], "group") END,
         "group";
