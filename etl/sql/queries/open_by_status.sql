WITH statuses(status, status_order) AS (
    VALUES ('Breached', 1), ('At risk', 2), ('On track', 3))
SELECT s.status, count(o.status) AS open_requests
FROM statuses s LEFT JOIN open_requests($as_of) o USING (status)
GROUP BY s.status, s.status_order ORDER BY s.status_order
