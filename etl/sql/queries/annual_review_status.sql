-- Plans active on $as_of by annual review position (every status listed, zeros kept).
WITH statuses(review_status, status_order) AS (
    VALUES ('No review recorded', 1), ('Overdue more than 6 months', 2),
           ('Overdue 3 to 6 months', 3), ('Overdue up to 3 months', 4),
           ('Reviewed in the last 12 months', 5), ('Not yet due', 6))
SELECT s.review_status, count(p.review_status) AS plans
FROM statuses s LEFT JOIN annual_review_plans($as_of::DATE) p USING (review_status)
GROUP BY s.review_status, s.status_order ORDER BY s.status_order
