-- Row level: the longest current waits as at $as_of (pseudonymous reference only — never the
-- child reference or its keyed hash), longest first; $service NULL = every service.
SELECT reference, service, provider, age_band, referral_date,
       ($as_of::DATE - referral_date)::INTEGER AS days_waiting, priority,
       source_file, source_sheet, source_row
FROM waits_referrals
WHERE referral_date <= $as_of::DATE
  AND (seen_date IS NULL OR seen_date > $as_of::DATE)
  AND (removed_date IS NULL OR removed_date > $as_of::DATE)
  AND ($service IS NULL OR service = $service)
ORDER BY days_waiting DESC, reference
LIMIT $limit;
