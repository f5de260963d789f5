-- The current waits as at $as_of in whole weeks waited (floor of days / 7), per service.
SELECT service, (($as_of::DATE - referral_date) // 7)::INTEGER AS weeks_waiting,
       count(*)::INTEGER AS waiting
FROM waits_referrals
WHERE referral_date <= $as_of::DATE
  AND (seen_date IS NULL OR seen_date > $as_of::DATE)
  AND (removed_date IS NULL OR removed_date > $as_of::DATE)
GROUP BY ALL
ORDER BY service, weeks_waiting;
