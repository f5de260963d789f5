-- Where each event's SEN provision came from (recorded on the event, derived from SEN2, or not
-- derivable and why), for one academic year or every year ($academic_year NULL).
SELECT sen_source, count(*) AS events
FROM exclusion_events
WHERE $academic_year IS NULL OR academic_year = $academic_year
GROUP BY sen_source
ORDER BY CASE WHEN sen_source = 'recorded' THEN 1
              WHEN sen_source = 'derived from SEN2' THEN 2 ELSE 3 END, sen_source
