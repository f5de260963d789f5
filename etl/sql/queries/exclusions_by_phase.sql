-- One academic year by school phase and SEN group: suspensions, pupils suspended and the rate
-- over the headcount of the schools of that phase (the phase a school's rows give; "Not
-- recorded" when none does).
WITH p AS (
    SELECT coalesce(any_value(phase) FILTER (WHERE phase <> 'Not recorded')
                        OVER (PARTITION BY school_id), 'Not recorded') AS phase,
           sen_group, suspensions, permanent_exclusions, pupils_suspended, headcount
    FROM mart_exclusions_by_school WHERE academic_year = $academic_year
)
SELECT phase, sen_group, sum(suspensions)::BIGINT AS suspensions,
       sum(permanent_exclusions)::BIGINT AS permanent_exclusions,
       sum(pupils_suspended)::BIGINT AS pupils_suspended, sum(headcount)::BIGINT AS headcount,
       excl_rate(sum(suspensions)::BIGINT, sum(headcount)::BIGINT) AS suspension_rate
FROM p WHERE sen_group <> 'unknown'
GROUP BY phase, sen_group
ORDER BY phase, CASE sen_group WHEN 'ehc_plan' THEN 1 WHEN 'sen_support' THEN 2 ELSE 3 END
