SELECT severity, count(*) AS problems FROM problems
GROUP BY severity ORDER BY severity
