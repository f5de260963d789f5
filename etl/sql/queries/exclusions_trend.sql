-- Every academic year and term by SEN group: counts, rates per 100 pupils and the relative risk
-- of suspension (term NULL = the whole year). Oldest first; "unknown" SEN provision left out.
WITH ref AS (SELECT * FROM mart_exclusions_by_sen WHERE sen_group = 'no_sen')
SELECT m.academic_year, m.academic_year_label, m.term,
       CASE WHEN m.term IS NULL THEN m.academic_year_label
            ELSE m.term || ' ' || m.academic_year_label END AS period,
       m.sen_group, m.suspensions, m.permanent_exclusions, m.pupils_suspended, m.headcount,
       excl_rate(m.suspensions, m.headcount) AS suspension_rate,
       excl_rate(m.permanent_exclusions, m.headcount) AS permanent_exclusion_rate,
       excl_rate(m.pupils_suspended, m.headcount) AS one_plus_suspension_rate,
       excl_relative_risk(m.suspensions, m.headcount, ref.suspensions, ref.headcount)
           AS relative_risk_suspension,
       ref.suspensions AS ref_suspensions, ref.headcount AS ref_headcount
FROM mart_exclusions_by_sen m
LEFT JOIN ref ON ref.academic_year = m.academic_year AND ref.term IS NOT DISTINCT FROM m.term
WHERE m.sen_group <> 'unknown'
ORDER BY m.academic_year, m.term IS NOT NULL,
         CASE m.term WHEN 'Autumn' THEN 1 WHEN 'Spring' THEN 2 WHEN 'Summer' THEN 3 END,
         CASE m.sen_group WHEN 'ehc_plan' THEN 1 WHEN 'sen_support' THEN 2 ELSE 3 END
