-- List size and waits over 18 (and 13) weeks at each month end on or before $as_of, per service
-- (the mart waits_month_end, built with the load).
SELECT service, month_end, waiting, over_18_weeks, over_13_weeks
FROM waits_month_end
WHERE month_end <= $as_of::DATE
ORDER BY service, month_end;
