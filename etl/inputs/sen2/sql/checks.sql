-- SEN2 data-quality queries on loaded rows (severity 'query': loaded, but flagged).

INSERT INTO query_problems
-- Plan issued before the request was received: excluded from timeliness, as DfE marks it "not available".
SELECT a.load_id, a.source_file AS file, a.source_sheet AS sheet, a.source_row AS "row",
       'AssessmentOutcomeDate' AS "column", 'outcome_before_received' AS rule, 'query' AS severity,
       'Assessment outcome date ' || strftime(a.assessment_outcome_date, '%d/%m/%Y') ||
       ' is before the request was received (' || strftime(r.received_date, '%d/%m/%Y') ||
       '); this case is left out of the timeliness figures' AS message
FROM assessment a JOIN requests r USING (request_key)
WHERE a.assessment_outcome_date < r.received_date
UNION ALL
SELECT r.load_id, r.source_file, r.source_sheet, r.source_row, 'RequestOutcomeDate',
       'decision_before_received', 'query',
       'Request outcome date ' || strftime(r.request_outcome_date, '%d/%m/%Y') ||
       ' is before the request was received (' || strftime(r.received_date, '%d/%m/%Y') ||
       '); left out of the 6-week decision figures'
FROM requests r WHERE r.request_outcome_date < r.received_date
UNION ALL
SELECT r.load_id, r.source_file, r.source_sheet, r.source_row, 'RequestOutcomeDate',
       'outcome_date_missing', 'query',
       'Request outcome is ' || r.request_outcome ||
       ' but there is no request outcome date; left out of the 6-week decision figures'
FROM requests r WHERE r.request_outcome IN ('Y', 'N') AND r.request_outcome_date IS NULL
UNION ALL
SELECT a.load_id, a.source_file, a.source_sheet, a.source_row, 'AssessmentOutcomeDate',
       'outcome_date_missing', 'query',
       'Assessment outcome is N (no plan) but there is no outcome date'
FROM assessment a WHERE a.assessment_outcome = 'N' AND a.assessment_outcome_date IS NULL
UNION ALL
SELECT a.load_id, a.source_file, a.source_sheet, a.source_row, 'Week20', 'week20_missing', 'query',
       'A plan was issued but the 20-week exception flag (Week20) is blank; counted in the '
       || 'including-exceptions figure only'
FROM assessment a
WHERE a.assessment_outcome = 'Y' AND a.assessment_outcome_date IS NOT NULL AND a.week20 IS NULL
UNION ALL
SELECT a.load_id, a.source_file, a.source_sheet, a.source_row, 'AssessmentOutcome',
       'assessment_without_agreed_request', 'query',
       'There is an assessment for a request whose outcome is ' || coalesce(r.request_outcome, 'blank')
       || ', not Y (agreed to assess) or H (historical)'
FROM assessment a JOIN requests r USING (request_key)
WHERE coalesce(r.request_outcome, '') NOT IN ('Y', 'H')
UNION ALL
SELECT p.load_id, p.source_file, p.source_sheet, p.source_row, 'UPN', 'upn_missing_no_reason',
       'query', 'No UPN or ULN, and no reason code (UPNunknown, e.g. UN1) is given'
FROM person p WHERE p.upn_status IS NULL AND p.uln IS NULL AND p.upn_unknown IS NULL
UNION ALL
SELECT p.load_id, p.source_file, p.source_sheet, p.source_row, 'UPN', 'upn_malformed', 'query',
       'The UPN is not 13 characters of the form letter + 11 digits + letter or digit'
FROM person p WHERE p.upn_status = 'malformed'
UNION ALL
SELECT r.load_id, r.source_file, r.source_sheet, r.source_row, 'ReceivedDate', 'date_in_future',
       'query', 'Request received date ' || strftime(r.received_date, '%d/%m/%Y') || ' is in the future'
FROM requests r WHERE r.received_date > current_date
UNION ALL
SELECT a.load_id, a.source_file, a.source_sheet, a.source_row, 'AssessmentOutcomeDate',
       'date_in_future', 'query',
       'Assessment outcome date ' || strftime(a.assessment_outcome_date, '%d/%m/%Y') || ' is in the future'
FROM assessment a WHERE a.assessment_outcome_date > current_date
UNION ALL
SELECT p.load_id, p.source_file, p.source_sheet, p.source_row, 'sen2tableid', 'orphan_row', 'query',
       'This person points to a SEN2 header row (sen2tableid) that was not loaded; LA code unknown'
FROM person p WHERE p.sen2_key IS NOT NULL AND p.sen2_key NOT IN (SELECT sen2_key FROM sen2);

-- Rows of SEN2 files that were loaded (the load log counts them).
CREATE OR REPLACE TABLE sen2_loaded_rows AS
SELECT load_id, source_sheet, source_row FROM sen2
UNION ALL SELECT load_id, source_sheet, source_row FROM person
UNION ALL SELECT load_id, source_sheet, source_row FROM requests
UNION ALL SELECT load_id, source_sheet, source_row FROM assessment
UNION ALL SELECT load_id, source_sheet, source_row FROM named_plan
UNION ALL SELECT load_id, source_sheet, source_row FROM plan_detail
UNION ALL SELECT load_id, source_sheet, source_row FROM active_plans
UNION ALL SELECT load_id, source_sheet, source_row FROM placement_detail
UNION ALL SELECT load_id, source_sheet, source_row FROM sen_need;
