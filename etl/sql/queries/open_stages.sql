SELECT stage, count(*) AS open_requests FROM open_requests($as_of)
GROUP BY stage ORDER BY stage
