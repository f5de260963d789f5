-- One academic year: how many suspensions the pupils suspended had, by SEN group (1, 2, 3, 4, 5
-- or more), so the share suspended repeatedly (2 or more) can be read off.
WITH per_pupil AS (
    SELECT sen_group, pupil_key, count(*) AS suspensions
    FROM exclusion_events
    WHERE academic_year = $academic_year AND category = 'suspension'
    GROUP BY sen_group, pupil_key
)
SELECT sen_group,
       CASE WHEN suspensions >= 5 THEN '5 or more' ELSE suspensions::VARCHAR END
           AS suspensions_in_year,
       least(suspensions, 5) AS band_order,
       count(*) AS pupils
FROM per_pupil
GROUP BY 1, 2, 3
ORDER BY CASE sen_group WHEN 'ehc_plan' THEN 1 WHEN 'sen_support' THEN 2 WHEN 'no_sen' THEN 3
                        ELSE 4 END, band_order
