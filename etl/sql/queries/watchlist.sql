-- Open requests, for saving cases: at risk first (fewest days left first), then on track,
-- then breached (longest past the 20-week date first). days_left is negative once breached;
-- days_over is how far past it is. Two lists: not yet breached (at risk, on track) and
-- breached; listed is how many rows the row's list has.
-- A screen shown a page at a time (issue 11) gives $page_rows: only that many rows of each
-- list, from row $open_offset of the first and $breached_offset of the second (from 0).
-- $page_rows NULL: every row (the download).
SELECT reference, received_date, weeks_open, stage, breach_date, status,
       datediff('day', $as_of::DATE, breach_date) AS days_left,
       greatest(datediff('day', breach_date, $as_of::DATE), 0) AS days_over,
       primary_need, age_group,
       count(*) OVER (PARTITION BY status = 'Breached') AS listed
FROM open_requests($as_of)
WHERE ($statuses IS NULL OR list_contains($statuses, status))
  AND ($stages IS NULL OR list_contains($stages, stage))
QUALIFY $page_rows IS NULL
     OR (row_number() OVER (
             PARTITION BY status = 'Breached'
             ORDER BY CASE status WHEN 'At risk' THEN 0 WHEN 'On track' THEN 1 ELSE 2 END,
                      breach_date, reference) - 1
         - CASE WHEN status = 'Breached' THEN coalesce($breached_offset, 0)
                ELSE coalesce($open_offset, 0) END)
        BETWEEN 0 AND $page_rows - 1
ORDER BY CASE status WHEN 'At risk' THEN 0 WHEN 'On track' THEN 1 ELSE 2 END,
         breach_date, reference
