SELECT file, sheet, "row", "column", rule, severity, message
FROM problems
WHERE ($severities IS NULL OR list_contains($severities, severity))
  AND ($rules IS NULL OR list_contains($rules, rule))
  AND ($files IS NULL OR list_contains($files, file))
  AND ($loads IS NULL OR list_contains($loads, load_id))
ORDER BY load_id, file, sheet NULLS FIRST, "row" NULLS FIRST, rule
