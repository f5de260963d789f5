-- Open requests, for saving cases: at risk first (fewest days left first), then on track,
-- then breached (longest past the 20-week date first). days_left is negative once breached;
-- days_over is how far past it is.
SELECT reference, received_date, weeks_open, stage, breach_date, status,
       datediff('day', $as_of::DATE, breach_date) AS days_left,
       greatest(datediff('day', breach_date, $as_of::DATE), 0) AS days_over,
       primary_need, age_group
FROM open_requests($as_of)
WHERE ($statuses IS NULL OR list_contains($statuses, status))
  AND ($stages IS NULL OR list_contains($stages, stage))
ORDER BY CASE status WHEN 'At risk' THEN 0 WHEN 'On track' THEN 1 ELSE 2 END,
         breach_date, reference
