-- Schools in one academic year, highest suspension rate of pupils with SEND (EHC plan or SEN
-- support) first: the counts behind each rate, for small-number marking and suppression. A
-- school without a headcount (matched by URN) has no rate.
WITH s AS (
    SELECT school_id, any_value(school_urn) AS school_urn, any_value(school_name) AS school_name,
           any_value(phase) FILTER (WHERE phase <> 'Not recorded') AS phase,
           sum(suspensions) FILTER (WHERE sen_group IN ('ehc_plan', 'sen_support'))::BIGINT
               AS send_suspensions,
           sum(pupils_suspended) FILTER (WHERE sen_group IN ('ehc_plan', 'sen_support'))::BIGINT
               AS send_pupils_suspended,
           sum(headcount) FILTER (WHERE sen_group IN ('ehc_plan', 'sen_support'))::BIGINT
               AS send_headcount,
           sum(suspensions) FILTER (WHERE sen_group = 'no_sen')::BIGINT AS no_sen_suspensions,
           sum(headcount) FILTER (WHERE sen_group = 'no_sen')::BIGINT AS no_sen_headcount,
           sum(permanent_exclusions) FILTER (WHERE sen_group IN ('ehc_plan', 'sen_support'))::BIGINT
               AS send_permanent_exclusions,
           sum(suspensions)::BIGINT AS all_suspensions,
           sum(permanent_exclusions)::BIGINT AS all_permanent_exclusions
    FROM mart_exclusions_by_school WHERE academic_year = $academic_year
    GROUP BY school_id
)
SELECT school_id, school_urn, school_name, coalesce(phase, 'Not recorded') AS phase,
       coalesce(send_suspensions, 0) AS send_suspensions,
       coalesce(send_pupils_suspended, 0) AS send_pupils_suspended,
       send_headcount,
       excl_rate(coalesce(send_suspensions, 0), send_headcount) AS send_suspension_rate,
       coalesce(no_sen_suspensions, 0) AS no_sen_suspensions, no_sen_headcount,
       excl_rate(coalesce(no_sen_suspensions, 0), no_sen_headcount) AS no_sen_suspension_rate,
       excl_relative_risk(coalesce(send_suspensions, 0), send_headcount,
                          coalesce(no_sen_suspensions, 0), no_sen_headcount)
           AS send_relative_risk,
       coalesce(send_permanent_exclusions, 0) AS send_permanent_exclusions,
       all_suspensions, all_permanent_exclusions
FROM s
ORDER BY send_suspension_rate DESC NULLS LAST, send_suspensions DESC, school_name
