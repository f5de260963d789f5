-- Per SEN group for one academic year ($academic_year: the year it starts, 2023 = 2023/24) or one
-- of its terms ($term: Autumn / Spring / Summer; NULL = the whole year): counts, rates per 100
-- pupils (2 dp, half away from zero), the gap to no-SEN pupils in percentage points and the
-- relative risk of suspension, both from unrounded rates. "unknown" = events whose SEN provision
-- was blank and could not be derived (no headcount, so no rate).
WITH m AS (
    SELECT * FROM mart_exclusions_by_sen
    WHERE academic_year = $academic_year AND term IS NOT DISTINCT FROM $term
),
ref AS (SELECT * FROM m WHERE sen_group = 'no_sen')
SELECT m.academic_year, m.academic_year_label, m.term, m.sen_group,
       m.suspensions, m.permanent_exclusions, m.pupils_suspended, m.pupils_repeat_suspended,
       m.headcount,
       excl_rate(m.suspensions, m.headcount) AS suspension_rate,
       excl_rate(m.permanent_exclusions, m.headcount) AS permanent_exclusion_rate,
       excl_rate(m.pupils_suspended, m.headcount) AS one_plus_suspension_rate,
       excl_rate(m.pupils_repeat_suspended, m.headcount) AS repeat_suspension_rate,
       excl_gap(m.suspensions, m.headcount, ref.suspensions, ref.headcount)
           AS suspension_rate_gap,
       excl_gap(m.permanent_exclusions, m.headcount, ref.permanent_exclusions, ref.headcount)
           AS permanent_exclusion_rate_gap,
       excl_relative_risk(m.suspensions, m.headcount, ref.suspensions, ref.headcount)
           AS relative_risk_suspension,
       ref.suspensions AS ref_suspensions, ref.headcount AS ref_headcount
FROM m LEFT JOIN ref ON TRUE
WHERE m.sen_group <> 'unknown' OR m.suspensions + m.permanent_exclusions > 0
ORDER BY CASE m.sen_group WHEN 'ehc_plan' THEN 1 WHEN 'sen_support' THEN 2
                          WHEN 'no_sen' THEN 3 ELSE 4 END
