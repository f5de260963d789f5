-- Academic years with any exclusion event or headcount, newest first.
SELECT academic_year, excl_year_label(academic_year) AS academic_year_label,
       count(*) FILTER (WHERE term IS NULL AND sen_group <> 'unknown') AS groups,
       sum(suspensions + permanent_exclusions) FILTER (WHERE term IS NULL) AS events
FROM mart_exclusions_by_sen
GROUP BY academic_year ORDER BY academic_year DESC
