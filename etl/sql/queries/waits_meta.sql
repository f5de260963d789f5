-- What waiting lists are loaded: referrals, the latest extract date (the default as-at date),
-- the earliest referral.
SELECT count(*)::INTEGER AS referrals, max(extract_date) AS latest_extract_date,
       min(referral_date) AS first_referral_date, count(DISTINCT load_id)::INTEGER AS extracts
FROM waits_referrals;
