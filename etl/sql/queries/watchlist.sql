SELECT reference, received_date, weeks_open, stage, breach_date, status,
       primary_need, age_group
FROM open_requests($as_of)
WHERE ($statuses IS NULL OR list_contains($statuses, status))
  AND ($stages IS NULL OR list_contains($stages, stage))
ORDER BY breach_date, reference
