-- How many problems of each severity, and on how many rows (a row can break several rules;
-- file-level problems are on no row).
SELECT severity, count(*) AS problems,
       count(DISTINCT (load_id, sheet, "row")) FILTER (WHERE "row" IS NOT NULL) AS "rows",
       count(*) FILTER (WHERE "row" IS NULL) AS file_problems
FROM problems
GROUP BY severity ORDER BY severity
