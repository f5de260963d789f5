-- Marts: the answers the dashboard, CLI and exports share (DESIGN §4). Each metric is defined here
-- once. Placeholders in braces are thresholds from send_dashboard.toml.

-- Grain: one row per request for an EHC needs assessment.
CREATE OR REPLACE TABLE fact_request AS
-- A request's primary need: its first-ranked need (a blank rank last), the latest load's first.
-- One aggregate, not a window over every need (issue 11); arg_min_null keeps a blank need type.
WITH need AS (
    SELECT coalesce(ap.request_key, sn.request_key) AS request_key,
           arg_min_null(sn.sen_type, (sn.sen_type_rank IS NULL, sn.sen_type_rank,
                                      -sn.load_id, sn.source_row)) AS sen_type
    FROM sen_need sn LEFT JOIN active_plans ap ON ap.active_plan_key = sn.active_plan_key
    WHERE coalesce(ap.request_key, sn.request_key) IS NOT NULL
    GROUP BY 1
),
-- SEN2 allows several assessments per request; the decisive one is the latest dated. Ranked with a
-- window function only where a request has more than one (issue 11: few do; the rest are taken
-- as they are, and a NULL request key matches no request).
assessment_repeats AS (
    SELECT request_key FROM assessment WHERE request_key IS NOT NULL
    GROUP BY request_key HAVING count(*) > 1
),
latest_assessment AS (
    SELECT request_key, assessment_outcome, assessment_outcome_date, week20
    FROM assessment ANTI JOIN assessment_repeats USING (request_key)
    WHERE request_key IS NOT NULL
    UNION ALL
    SELECT request_key, assessment_outcome, assessment_outcome_date, week20
    FROM assessment SEMI JOIN assessment_repeats USING (request_key)
    QUALIFY row_number() OVER (PARTITION BY request_key
                               ORDER BY assessment_outcome_date DESC NULLS FIRST, source_row) = 1
)
SELECT r.request_key,
       r.person_key,
       s.la_code,
       r.received_date,
       r.request_outcome,
       r.request_outcome_date,
       a.assessment_outcome,
       a.assessment_outcome_date,
       a.week20 AS exception_applies,
       -- Exported: the child moved out of the LA before the assessment finished (issue 10). The
       -- return holds the LA moved to (3 digits, XSD 2024); an LA list may hold the date instead.
       r.exported IS NOT NULL AS exported,
       CASE WHEN r.exported IS NOT NULL
            THEN try_strptime(r.exported, ['%Y-%m-%d', '%Y-%m-%d %H:%M:%S', '%d/%m/%Y',
                                           '%Y-%b-%d %H:%M:%S'])::DATE
       END AS exported_date,
       coalesce(n.sen_type, 'Not recorded') AS primary_need,
       CASE WHEN p.birth_date IS NULL OR p.birth_date > r.received_date THEN NULL
            ELSE date_sub('year', p.birth_date, r.received_date) END AS age_at_request,
       CASE WHEN age_at_request IS NULL THEN 'Not recorded'
            WHEN age_at_request < 5 THEN 'Under 5'
            WHEN age_at_request <= 10 THEN '5 to 10'
            WHEN age_at_request <= 15 THEN '11 to 15'
            WHEN age_at_request <= 19 THEN '16 to 19'
            ELSE '20 to 25' END AS age_group,
       r.source_file, r.source_row
FROM requests r
JOIN person p USING (person_key)
LEFT JOIN sen2 s ON s.sen2_key = p.sen2_key
LEFT JOIN latest_assessment a ON a.request_key = r.request_key
LEFT JOIN need n ON n.request_key = r.request_key;

-- Grain: one row per EHC plan issued (assessment outcome Y with a valid outcome date).
-- Transfers-in (H) are outside; outcome before received is excluded (reported in problems).
CREATE OR REPLACE TABLE mart_plans_issued AS
SELECT request_key, la_code, received_date,
       assessment_outcome_date AS issued_date,
       year(assessment_outcome_date) AS issue_year,
       date_trunc('month', assessment_outcome_date)::DATE AS issue_month,
       datediff('day', received_date, assessment_outcome_date) AS days_to_issue,
       days_to_issue <= {within_days} AS within_20_weeks,
       CASE WHEN days_to_issue <= {within_days} THEN 'Within 20 weeks'
            WHEN days_to_issue < {over_year_days} THEN '20 to 52 weeks'
            ELSE 'Over 52 weeks' END AS band,
       exception_applies,
       -- DfE's excluding-exceptions denominator: plans whose exception flag is 0 (blank is not 0).
       coalesce(NOT exception_applies, FALSE) AS in_excl_exceptions,
       CASE WHEN request_outcome_date BETWEEN received_date AND assessment_outcome_date
            THEN request_outcome_date END AS decision_date,
       datediff('day', received_date, decision_date) AS days_to_decision,
       datediff('day', decision_date, assessment_outcome_date) AS days_decision_to_issue,
       primary_need, age_group
FROM fact_request
WHERE assessment_outcome = 'Y'
  AND assessment_outcome_date IS NOT NULL
  AND received_date IS NOT NULL
  AND assessment_outcome_date >= received_date;

-- Grain: one row per decision whether to assess (request outcome Y or N with a valid date).
CREATE OR REPLACE TABLE mart_decisions AS
SELECT request_key, la_code, received_date, request_outcome,
       request_outcome_date AS decision_date,
       year(request_outcome_date) AS decision_year,
       datediff('day', received_date, request_outcome_date) AS days_to_decision,
       days_to_decision <= {decision_days} AS within_6_weeks,
       primary_need, age_group
FROM fact_request
WHERE request_outcome IN ('Y', 'N')
  AND request_outcome_date IS NOT NULL
  AND received_date IS NOT NULL
  AND request_outcome_date >= received_date;

-- Open requests as at a date: received by then, not withdrawn / historical, no plan issued and no
-- decision not to assess / not to issue on or before that date, and not exported (moved out of the
-- LA) by then. Grain: one row per open request.
CREATE OR REPLACE MACRO open_requests(as_of) AS TABLE
SELECT request_key,
       -- 10 hex characters: no clashes in practice even across all of England's requests.
       'R-' || upper(substr(request_key, 1, 10)) AS reference,
       la_code, received_date, primary_need, age_group,
       datediff('day', received_date, as_of) AS days_open,
       floor(datediff('day', received_date, as_of) / 7)::INTEGER AS weeks_open,
       received_date + {within_days} AS breach_date,
       CASE WHEN coalesce(request_outcome, 'A') = 'A'
                 OR coalesce(request_outcome_date > as_of, request_outcome <> 'Y')
                 THEN 'Awaiting decision to assess'
            WHEN assessment_outcome IS NOT DISTINCT FROM 'Y' AND assessment_outcome_date IS NULL
                 THEN 'Plan being finalised'
            ELSE 'Assessment under way' END AS stage,
       CASE WHEN datediff('day', received_date, as_of) > {within_days} THEN 'Breached'
            WHEN datediff('day', received_date, as_of) > {at_risk_days} THEN 'At risk'
            ELSE 'On track' END AS status
FROM fact_request
WHERE received_date <= as_of
  AND coalesce(request_outcome, 'A') NOT IN ('W', 'H')
  -- Every condition below is NULL-safe: a blank outcome means no decision yet.
  AND NOT coalesce(request_outcome = 'N' AND coalesce(request_outcome_date <= as_of, TRUE), FALSE)
  AND coalesce(assessment_outcome, 'A') NOT IN ('W', 'H')
  AND NOT coalesce(assessment_outcome IN ('Y', 'N') AND assessment_outcome_date <= as_of, FALSE)
  -- Exported ends the request's open life on its date; with only the LA moved to (no date), it
  -- is not open at any date (docs/decisions.md, issue 10).
  AND NOT (exported AND coalesce(exported_date <= as_of, TRUE));

-- Headline counts for calendar year y up to and including as_of (open requests: see above).
CREATE OR REPLACE MACRO ehcp_counts(y, as_of) AS TABLE
SELECT
    (SELECT count(*) FROM mart_plans_issued WHERE issue_year = y AND issued_date <= as_of)
        AS plans_issued,
    (SELECT count(*) FROM mart_plans_issued
      WHERE issue_year = y AND issued_date <= as_of AND in_excl_exceptions)
        AS plans_issued_excl_exceptions,
    (SELECT count(*) FROM mart_plans_issued
      WHERE issue_year = y AND issued_date <= as_of AND within_20_weeks)
        AS within_20_weeks,
    (SELECT count(*) FROM mart_plans_issued
      WHERE issue_year = y AND issued_date <= as_of AND within_20_weeks AND in_excl_exceptions)
        AS within_20_weeks_excl_exceptions,
    (SELECT count(*) FROM mart_plans_issued
      WHERE issue_year = y AND issued_date <= as_of AND days_to_issue >= {over_year_days})
        AS issued_over_52_weeks,
    (SELECT count(*) FROM mart_decisions WHERE decision_year = y AND decision_date <= as_of)
        AS decisions_made,
    (SELECT count(*) FROM mart_decisions
      WHERE decision_year = y AND decision_date <= as_of AND within_6_weeks)
        AS decisions_within_6_weeks;

-- One-row facts about the data: the snapshot date is the latest as-of given at load time, else the
-- latest event date in the data that is not in the future.
CREATE OR REPLACE TABLE warehouse_meta AS
SELECT coalesce(
           (SELECT max(as_of) FROM load_files WHERE status = 'staged'),
           (SELECT max(d) FROM (
                SELECT received_date AS d FROM requests
                UNION ALL SELECT request_outcome_date FROM requests
                UNION ALL SELECT assessment_outcome_date FROM assessment) WHERE d <= current_date),
           current_date) AS snapshot_date,
       coalesce((SELECT bool_or(synthetic) FROM load_files WHERE status = 'staged'), FALSE)
           AS synthetic,
       (SELECT count(*) FROM requests) AS requests_loaded,
       (SELECT count(DISTINCT la_code) FROM fact_request WHERE la_code IS NOT NULL) AS la_count,
       now()::TIMESTAMP AS built_at;

-- Monthly issue counts with a rolling 12-month rate; months with no plans are kept as zeros, up to
-- the snapshot month.
CREATE OR REPLACE TABLE mart_issued_monthly AS
WITH bounds AS (
    SELECT min(issue_month) AS lo,
           greatest(max(issue_month),
                    date_trunc('month', (SELECT snapshot_date FROM warehouse_meta))::DATE) AS hi
    FROM mart_plans_issued),
months AS (
    SELECT unnest(generate_series(lo, hi, INTERVAL 1 MONTH))::DATE AS issue_month
    FROM bounds WHERE lo IS NOT NULL
),
counts AS (
    SELECT issue_month,
           count(*) AS plans_issued,
           count(*) FILTER (WHERE within_20_weeks) AS within_20_weeks,
           count(*) FILTER (WHERE in_excl_exceptions) AS plans_issued_excl_exceptions,
           count(*) FILTER (WHERE within_20_weeks AND in_excl_exceptions)
               AS within_20_weeks_excl_exceptions
    FROM mart_plans_issued GROUP BY issue_month
)
SELECT m.issue_month,
       coalesce(c.plans_issued, 0) AS plans_issued,
       coalesce(c.within_20_weeks, 0) AS within_20_weeks,
       coalesce(c.plans_issued_excl_exceptions, 0) AS plans_issued_excl_exceptions,
       coalesce(c.within_20_weeks_excl_exceptions, 0) AS within_20_weeks_excl_exceptions,
       sum(coalesce(c.plans_issued, 0)) OVER w AS rolling_plans_issued,
       sum(coalesce(c.within_20_weeks, 0)) OVER w AS rolling_within_20_weeks,
       sum(coalesce(c.plans_issued_excl_exceptions, 0)) OVER w AS rolling_plans_issued_excl,
       sum(coalesce(c.within_20_weeks_excl_exceptions, 0)) OVER w AS rolling_within_excl,
       count(*) OVER w AS rolling_months
FROM months m LEFT JOIN counts c USING (issue_month)
WINDOW w AS (ORDER BY m.issue_month ROWS BETWEEN 11 PRECEDING AND CURRENT ROW);


-- Annual reviews (issue 10; definitions in etl/catalogue.py and docs/decisions.md). Grain: one row
-- per active plans record (SEN2 module 5a), with its plan's start and cease dates (Named plan,
-- linked through the request; without one, the date the plan was issued) and review fields.
CREATE OR REPLACE TABLE mart_active_plans AS
WITH plan AS (
    SELECT coalesce(np.request_key, a.request_key) AS request_key,
           max(np.start_date) AS start_date,
           -- A cease date counts only on the latest plan of the request.
           arg_max(np.cease_date, np.start_date) AS cease_date
    FROM named_plan np LEFT JOIN assessment a USING (assessment_key)
    WHERE coalesce(np.request_key, a.request_key) IS NOT NULL
    GROUP BY 1
)
SELECT ap.active_plan_key, ap.request_key, f.person_key, f.la_code, f.primary_need,
       coalesce(p.start_date,
                CASE WHEN f.assessment_outcome = 'Y' THEN f.assessment_outcome_date END)
           AS start_date,
       p.cease_date,
       -- The review: the meeting date; where only the decision date is recorded, it stands in.
       coalesce(ap.review_meeting, ap.last_review) AS review_date,
       ap.review_meeting, ap.review_outcome, ap.last_review AS review_decision_date,
       CASE WHEN ap.last_review >= ap.review_meeting
            THEN datediff('day', ap.review_meeting, ap.last_review) END AS days_to_decision,
       ap.phase_transfer_due_date, ap.phase_transfer_final_date,
       ap.source_file, ap.source_row
FROM active_plans ap
JOIN fact_request f USING (request_key)
LEFT JOIN plan p USING (request_key);

-- Plans active at as_of with their review position. Active: started on or before as_of, not ceased
-- on or before it. Due: started at least 12 months before as_of. Overdue: due, and no review on or
-- before as_of within the last 12 months (the deadline, the last review or else the start + 12
-- months, is before as_of). A decision counts when the meeting and the decision are both on or
-- before as_of, the decision not before the meeting; within 4 weeks: at most 28 days later.
CREATE OR REPLACE MACRO annual_review_plans(as_of) AS TABLE
SELECT *,
       start_date + INTERVAL 12 MONTH <= as_of AS due,
       CASE WHEN review_date <= as_of THEN review_date END AS reviewed_on,
       (coalesce(CASE WHEN review_date <= as_of THEN review_date END, start_date)
           + INTERVAL 12 MONTH)::DATE AS review_deadline,
       due AND review_deadline < as_of AS overdue,
       CASE WHEN NOT due THEN 'Not yet due'
            WHEN NOT overdue THEN 'Reviewed in the last 12 months'
            WHEN reviewed_on IS NULL THEN 'No review recorded'
            WHEN review_deadline + INTERVAL 3 MONTH >= as_of THEN 'Overdue up to 3 months'
            WHEN review_deadline + INTERVAL 6 MONTH >= as_of THEN 'Overdue 3 to 6 months'
            ELSE 'Overdue more than 6 months' END AS review_status,
       due AND review_meeting <= as_of AND review_decision_date <= as_of
           AND days_to_decision IS NOT NULL AS decision_made,
       decision_made AND days_to_decision <= 28 AS decision_within_4_weeks
FROM mart_active_plans
WHERE start_date <= as_of AND (cease_date IS NULL OR cease_date > as_of);

CREATE OR REPLACE MACRO annual_review_counts(as_of) AS TABLE
SELECT count(*) FILTER (WHERE due) AS plans_due,
       count(*) FILTER (WHERE overdue) AS reviews_overdue,
       count(*) FILTER (WHERE decision_made) AS decisions_made,
       count(*) FILTER (WHERE decision_within_4_weeks) AS decisions_within_4_weeks
FROM annual_review_plans(as_of);
