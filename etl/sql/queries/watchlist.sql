-- Open requests, for saving cases: at risk first (fewest days left first), then on track,
-- then breached (longest past the 20-week date first). days_left is negative once breached;
-- days_over is how far past it is. Two lists: not yet breached (at risk, on track) and
-- breached; listed is how many rows the row's list has.
-- A screen shown a page at a time (issue 11) gives $page_rows: only that many rows of each
-- list, from row $open_offset of the first and $breached_offset of the second (from 0).
-- $page_rows NULL: every row (the download). Each page is a top-N (LIMIT), not a numbering of
-- the whole list: 0.08 s against 0.10-0.11 s for the national watchlist's first page.
WITH open_list AS MATERIALIZED (
    SELECT reference, received_date, weeks_open, stage, breach_date, status,
           datediff('day', $as_of::DATE, breach_date) AS days_left,
           greatest(datediff('day', breach_date, $as_of::DATE), 0) AS days_over,
           primary_need, age_group,
           CASE status WHEN 'At risk' THEN 0 WHEN 'On track' THEN 1 ELSE 2 END AS status_order
    FROM open_requests($as_of)
    WHERE ($statuses IS NULL OR list_contains($statuses, status))
      AND ($stages IS NULL OR list_contains($stages, stage))),
lengths AS (
    SELECT count(*) FILTER (WHERE status <> 'Breached') AS not_breached,
           count(*) FILTER (WHERE status = 'Breached') AS breached
    FROM open_list),
pages AS (
    (SELECT * FROM open_list WHERE status <> 'Breached'
     ORDER BY status_order, breach_date, reference
     LIMIT $page_rows OFFSET coalesce($open_offset, 0))
    UNION ALL
    (SELECT * FROM open_list WHERE status = 'Breached'
     ORDER BY breach_date, reference
     LIMIT $page_rows OFFSET coalesce($breached_offset, 0)))
SELECT p.* EXCLUDE (status_order),
       CASE WHEN p.status = 'Breached' THEN l.breached ELSE l.not_breached END AS listed
FROM pages p, lengths l
ORDER BY p.status_order, p.breach_date, p.reference
