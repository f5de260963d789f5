-- Exclusion records: staging → canonical tables → checks → marts (issue 13). Runs after the SEN2
-- build (etl.inputs.exclusions builds after "sen2"), whose person, requests, named_plan and
-- mart_plans_issued tables it reads to derive a missing SEN provision.

-- Rates to 2 dp, half away from zero, in exact integer arithmetic (n, d ≥ 0): no binary
-- rounding error can turn 0.125 into 0.12. NULL when the denominator is 0 or missing.
CREATE OR REPLACE MACRO excl_rate(n, d) AS
    CASE WHEN d > 0 THEN ((n::HUGEINT * 20000 + d) // (2 * d::HUGEINT)) / 100.0 END;
-- Relative risk (n/d) ÷ (n0/d0) from the unrounded rates, 2 dp half away from zero; NULL when
-- the reference rate is 0 or either headcount is missing.
CREATE OR REPLACE MACRO excl_relative_risk(n, d, n0, d0) AS
    CASE WHEN d > 0 AND d0 > 0 AND n0 > 0
         THEN ((n::HUGEINT * d0 * 200 + d::HUGEINT * n0) // (2 * d::HUGEINT * n0)) / 100.0 END;
-- The gap (n/d − n0/d0) × 100 in percentage points from the unrounded rates, 2 dp half away from
-- zero (the sign kept).
CREATE OR REPLACE MACRO excl_gap(n, d, n0, d0) AS
    CASE WHEN d > 0 AND d0 > 0 THEN
        sign(n::HUGEINT * d0 - n0::HUGEINT * d)
        * ((abs(n::HUGEINT * d0 - n0::HUGEINT * d) * 20000 + d::HUGEINT * d0)
           // (2 * d::HUGEINT * d0)) / 100.0 END;
CREATE OR REPLACE MACRO excl_year_label(y) AS y::VARCHAR || '/' || lpad(((y + 1) % 100)::VARCHAR, 2, '0');
CREATE OR REPLACE MACRO excl_academic_year(d) AS
    CASE WHEN month(d) >= 9 THEN year(d) ELSE year(d) - 1 END;

-- Grain of the versions: one staged event. The same event (pupil, start date, category, school)
-- in a later file supersedes the earlier one: a year-to-date export loaded every month counts
-- each event once. Within one file every row is an event.
CREATE OR REPLACE TEMP TABLE exclusion_event_versions AS
SELECT *, max(load_id) OVER (
              PARTITION BY pupil_key, start_date, category, coalesce(school_urn, school_name, ''))
          AS latest_load
FROM stg_exclusion_events;
INSERT INTO superseded
SELECT 'exclusions', load_id, source_sheet, source_row
FROM exclusion_event_versions WHERE load_id < latest_load;

CREATE OR REPLACE TEMP TABLE exclusion_headcount_versions AS
SELECT *, max(load_id) OVER (
              PARTITION BY academic_year, term, school_urn, phase, sen_provision) AS latest_load
FROM stg_exclusion_headcounts;
INSERT INTO superseded
SELECT 'exclusions', load_id, source_sheet, source_row
FROM exclusion_headcount_versions WHERE load_id < latest_load;

-- Grain: one row per (UPN key, EHC plan spell) from SEN2: a named plan from its start date (else
-- the date the plan was issued) to its cease date; a plan issued with no named-plan row from the
-- issue date, open-ended.
CREATE OR REPLACE TEMP TABLE sen2_ehc_spells AS
WITH request_person AS (
    SELECT r.request_key, p.upn_key
    FROM requests r JOIN person p USING (person_key)
    WHERE p.upn_key IS NOT NULL
)
SELECT rp.upn_key, coalesce(np.start_date, pi.issued_date) AS plan_start,
       np.cease_date AS plan_end
FROM named_plan np
LEFT JOIN assessment a ON a.assessment_key = np.assessment_key
JOIN request_person rp ON rp.request_key = coalesce(np.request_key, a.request_key)
LEFT JOIN mart_plans_issued pi ON pi.request_key = rp.request_key
UNION ALL
SELECT rp.upn_key, pi.issued_date, NULL
FROM mart_plans_issued pi JOIN request_person rp USING (request_key)
WHERE NOT EXISTS (
    SELECT 1 FROM named_plan np LEFT JOIN assessment a ON a.assessment_key = np.assessment_key
    WHERE coalesce(np.request_key, a.request_key) = pi.request_key);

-- Grain: one row per exclusion event loaded. sen_provision is the one recorded on the event,
-- else derived from SEN2: an EHC plan in force on the start date (started on or before it, not
-- ceased by it) → E. Nothing else can be derived: SEN support is not in SEN2, and a child in
-- SEN2 without a plan in force may have SEN support or none.
CREATE OR REPLACE TABLE exclusion_events AS
WITH matched AS (
    SELECT e.*,
           EXISTS (SELECT 1 FROM person p WHERE p.upn_key = e.pupil_key) AS in_sen2,
           EXISTS (SELECT 1 FROM sen2_ehc_spells s
                   WHERE s.upn_key = e.pupil_key AND s.plan_start <= e.start_date
                     AND (s.plan_end IS NULL OR s.plan_end > e.start_date)) AS plan_in_force
    FROM exclusion_event_versions e WHERE load_id = latest_load
)
SELECT * EXCLUDE (latest_load, plan_in_force),
       CASE WHEN sen_recorded IS NOT NULL THEN sen_recorded
            WHEN plan_in_force THEN 'E' END AS sen_provision,
       CASE WHEN sen_recorded IS NOT NULL THEN 'recorded'
            WHEN plan_in_force THEN 'derived from SEN2'
            WHEN in_sen2 THEN 'not derived: no EHC plan in force in SEN2'
            ELSE 'not derived: no SEN2 child with this UPN' END AS sen_source,
       CASE coalesce(sen_recorded, CASE WHEN plan_in_force THEN 'E' END)
            WHEN 'E' THEN 'ehc_plan' WHEN 'K' THEN 'sen_support' WHEN 'N' THEN 'no_sen'
            ELSE 'unknown' END AS sen_group,
       coalesce(school_urn, school_name, 'School not recorded') AS school_id,
       excl_year_label(academic_year) AS academic_year_label
FROM matched;

CREATE OR REPLACE TABLE exclusion_headcounts AS
SELECT * EXCLUDE (latest_load, sen_provision),
       CASE sen_provision WHEN 'E' THEN 'ehc_plan' WHEN 'K' THEN 'sen_support'
            ELSE 'no_sen' END AS sen_group
FROM exclusion_headcount_versions WHERE load_id = latest_load;

CREATE OR REPLACE TABLE exclusions_loaded_rows AS
SELECT load_id, source_sheet, source_row FROM exclusion_events
UNION ALL SELECT load_id, source_sheet, source_row FROM exclusion_headcounts;

-- Queries: a pupil with more than one SEN provision in a term (each of their events is flagged).
INSERT INTO query_problems
WITH conflicted AS (
    SELECT pupil_key, academic_year, term,
           string_agg(DISTINCT CASE sen_provision WHEN 'E' THEN '1 EHC plan'
                                    WHEN 'K' THEN '2 SEN support' ELSE '3 no SEN' END, ', '
                      ORDER BY CASE sen_provision WHEN 'E' THEN '1 EHC plan'
                                    WHEN 'K' THEN '2 SEN support' ELSE '3 no SEN' END)
               AS ranked,
           regexp_replace(ranked, '(^|, )\d ', '\1', 'g') AS shown,
           count(DISTINCT sen_provision) AS n
    FROM exclusion_events WHERE sen_provision IS NOT NULL
    GROUP BY ALL HAVING count(DISTINCT sen_provision) > 1
)
SELECT e.load_id, e.source_file, e.source_sheet, e.source_row, NULL, 'sen_status_conflict',
       'query',
       'This pupil has ' || c.n || ' SEN provisions in ' || e.term || ' ' ||
       e.academic_year_label || ': ' || c.shown || '; each event is counted under its own'
FROM exclusion_events e JOIN conflicted c USING (pupil_key, academic_year, term)
WHERE e.sen_provision IS NOT NULL;

-- One query per file with events lacking SEN provision: how many were derived, how many not.
INSERT INTO query_problems
SELECT load_id, any_value(source_file), NULL, NULL, NULL, 'sen_provision_derived', 'query',
       count(*) || ' event' || CASE WHEN count(*) = 1 THEN '' ELSE 's' END ||
       ' had no SEN provision: ' ||
       count(*) FILTER (WHERE sen_provision IS NOT NULL) ||
       ' derived from SEN2 (EHC plan in force on the start date), ' ||
       count(*) FILTER (WHERE sen_provision IS NULL) ||
       ' could not be (' ||
       count(*) FILTER (WHERE sen_source = 'not derived: no EHC plan in force in SEN2') ||
       ' in SEN2 without a plan in force, ' ||
       count(*) FILTER (WHERE sen_source = 'not derived: no SEN2 child with this UPN') ||
       ' not in SEN2); those are counted as "SEN provision unknown"'
FROM exclusion_events WHERE sen_recorded IS NULL
GROUP BY load_id;

-- Grain: one row per (academic year, term or NULL for the year, SEN group): the LA's headcount.
-- An LA-total row wins over the sum of the schools' rows; a year without a headcount of its own
-- takes its spring term's (DfE's annual rates use the spring census); a term without one takes
-- its year's.
CREATE OR REPLACE TABLE exclusion_la_headcount AS
WITH by_period AS (
    SELECT academic_year, term, sen_group,
           coalesce(sum(headcount) FILTER (WHERE school_urn IS NULL),
                    sum(headcount) FILTER (WHERE school_urn IS NOT NULL)) AS headcount
    FROM exclusion_headcounts GROUP BY ALL
),
periods AS (
    SELECT DISTINCT academic_year, term FROM exclusion_events
    UNION SELECT DISTINCT academic_year, NULL FROM exclusion_events
    UNION SELECT DISTINCT academic_year, term FROM exclusion_headcounts
    UNION SELECT DISTINCT academic_year, NULL FROM exclusion_headcounts
),
grid AS (
    SELECT p.*, g.sen_group FROM periods p
    CROSS JOIN (VALUES ('ehc_plan'), ('sen_support'), ('no_sen')) g(sen_group)
)
SELECT g.academic_year, g.term, g.sen_group,
       coalesce(own.headcount,
                CASE WHEN g.term IS NULL THEN spring.headcount ELSE year_total.headcount END)::BIGINT
           AS headcount
FROM grid g
LEFT JOIN by_period own ON own.academic_year = g.academic_year
     AND own.term IS NOT DISTINCT FROM g.term AND own.sen_group = g.sen_group
LEFT JOIN by_period spring ON spring.academic_year = g.academic_year AND spring.term = 'Spring'
     AND spring.sen_group = g.sen_group
LEFT JOIN by_period year_total ON year_total.academic_year = g.academic_year
     AND year_total.term IS NULL AND year_total.sen_group = g.sen_group;

-- Grain: one row per (academic year, term or NULL for the year, SEN group incl. unknown): the
-- counts every exclusions measure is made of. A pupil is counted once per group they were
-- suspended under.
CREATE OR REPLACE TABLE mart_exclusions_by_sen AS
WITH periods AS (
    SELECT academic_year, term, sen_group FROM exclusion_la_headcount
    UNION SELECT academic_year, term, sen_group FROM exclusion_events
    UNION SELECT academic_year, NULL, sen_group FROM exclusion_events
),
counted AS (
    SELECT academic_year, term, sen_group,
           count(*) FILTER (WHERE category = 'suspension') AS suspensions,
           count(*) FILTER (WHERE category = 'permanent') AS permanent_exclusions,
           count(DISTINCT pupil_key) FILTER (WHERE category = 'suspension') AS pupils_suspended,
           count(DISTINCT pupil_key) FILTER (WHERE category = 'permanent') AS pupils_excluded
    FROM exclusion_events GROUP BY GROUPING SETS ((academic_year, term, sen_group),
                                                  (academic_year, sen_group))
),
repeats AS (
    SELECT academic_year, term, sen_group, count(*) AS pupils_repeat_suspended
    FROM (SELECT academic_year, term, sen_group, pupil_key FROM exclusion_events
          WHERE category = 'suspension' GROUP BY ALL HAVING count(*) >= 2
          UNION ALL
          SELECT academic_year, NULL, sen_group, pupil_key FROM exclusion_events
          WHERE category = 'suspension' GROUP BY academic_year, sen_group, pupil_key
          HAVING count(*) >= 2)
    GROUP BY ALL
)
SELECT p.academic_year, excl_year_label(p.academic_year) AS academic_year_label, p.term,
       p.sen_group,
       coalesce(c.suspensions, 0) AS suspensions,
       coalesce(c.permanent_exclusions, 0) AS permanent_exclusions,
       coalesce(c.pupils_suspended, 0) AS pupils_suspended,
       coalesce(c.pupils_excluded, 0) AS pupils_permanently_excluded,
       coalesce(r.pupils_repeat_suspended, 0) AS pupils_repeat_suspended,
       h.headcount::BIGINT AS headcount
FROM periods p
LEFT JOIN counted c ON c.academic_year = p.academic_year AND c.term IS NOT DISTINCT FROM p.term
     AND c.sen_group = p.sen_group
LEFT JOIN repeats r ON r.academic_year = p.academic_year AND r.term IS NOT DISTINCT FROM p.term
     AND r.sen_group = p.sen_group
LEFT JOIN exclusion_la_headcount h ON h.academic_year = p.academic_year
     AND h.term IS NOT DISTINCT FROM p.term AND h.sen_group = p.sen_group;

-- Grain: one row per (academic year, school, SEN group): events and the school's headcount (its
-- year row, else its spring-term row; matched by URN).
CREATE OR REPLACE TABLE mart_exclusions_by_school AS
WITH school_headcount AS (
    SELECT academic_year, school_urn, sen_group,
           coalesce(sum(headcount) FILTER (WHERE term IS NULL),
                    sum(headcount) FILTER (WHERE term = 'Spring')) AS headcount,
           any_value(school_name) AS school_name, any_value(phase) AS phase
    FROM exclusion_headcounts WHERE school_urn IS NOT NULL GROUP BY ALL
),
events AS (
    SELECT academic_year, school_id, sen_group,
           any_value(school_urn) AS school_urn, any_value(school_name) AS school_name,
           any_value(phase) AS phase,
           count(*) FILTER (WHERE category = 'suspension') AS suspensions,
           count(*) FILTER (WHERE category = 'permanent') AS permanent_exclusions,
           count(DISTINCT pupil_key) FILTER (WHERE category = 'suspension') AS pupils_suspended
    FROM exclusion_events GROUP BY ALL
),
keys AS (
    SELECT academic_year, school_id, sen_group FROM events
    UNION SELECT academic_year, school_urn, sen_group FROM school_headcount
)
SELECT k.academic_year, excl_year_label(k.academic_year) AS academic_year_label, k.school_id,
       coalesce(e.school_urn, CASE WHEN h.school_urn IS NOT NULL THEN k.school_id END) AS school_urn,
       coalesce(e.school_name, h.school_name, k.school_id) AS school_name,
       coalesce(e.phase, h.phase, 'Not recorded') AS phase,
       k.sen_group,
       coalesce(e.suspensions, 0) AS suspensions,
       coalesce(e.permanent_exclusions, 0) AS permanent_exclusions,
       coalesce(e.pupils_suspended, 0) AS pupils_suspended,
       h.headcount::BIGINT AS headcount
FROM keys k
LEFT JOIN events e USING (academic_year, school_id, sen_group)
LEFT JOIN school_headcount h ON h.academic_year = k.academic_year
     AND h.school_urn = k.school_id AND h.sen_group = k.sen_group;
