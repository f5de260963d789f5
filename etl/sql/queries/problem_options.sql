SELECT severity, rule, file, count(*) AS problems
FROM problems GROUP BY ALL ORDER BY severity, rule, file
