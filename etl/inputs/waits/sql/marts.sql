-- Waiting lists (issue 12). Grain of waits_referrals: one referral (record_key) as its latest
-- extract states it. Measures as at a date are named queries (etl/sql/queries/waits_*.sql).

-- The newest extract's row for each referral is in force; rows of the same referral in older
-- extracts are superseded (within one extract every row stays: duplicates are rejected when
-- staged).
CREATE OR REPLACE TEMP TABLE waits_versions AS
SELECT *, dense_rank() OVER (PARTITION BY record_key ORDER BY load_id DESC) AS version_rank
FROM stg_waits_referrals;

INSERT INTO superseded
SELECT 'waits', load_id, source_sheet, source_row FROM waits_versions WHERE version_rank > 1;

CREATE OR REPLACE TABLE waits_referrals AS
SELECT record_key, child_key, 'W-' || upper(left(record_key, 10)) AS reference,
       service, service_as_written, service_mapped, referral_date, seen_date, removed_date,
       -- The day the referral left the list: first seen or removed, whichever came first.
       least(seen_date, removed_date) AS left_list_date,
       age_at_referral,
       CASE WHEN age_at_referral IS NULL THEN 'Not given'
            WHEN age_at_referral < 5 THEN 'Under 5'
            WHEN age_at_referral <= 10 THEN '5 to 10'
            WHEN age_at_referral <= 15 THEN '11 to 15'
            WHEN age_at_referral <= 19 THEN '16 to 19'
            ELSE '20 to 25' END AS age_band,
       provider, priority, extract_date, load_id, source_file, source_sheet, source_row
FROM waits_versions WHERE version_rank = 1;

CREATE OR REPLACE TABLE waits_loaded_rows AS
SELECT load_id, source_sheet, source_row FROM waits_referrals;

-- Every month end from the first referral to the latest extract, per service: the list size
-- and how many had waited more than 18 weeks (126 days) and 13 weeks (91 days). Each referral
-- is spread over the month ends it was waiting at (referred on or before, not yet left), so
-- the work grows with the waits, not with referrals x months.
CREATE OR REPLACE TABLE waits_month_end AS
WITH bounds AS (
    SELECT last_day(max(extract_date)) AS hi FROM waits_referrals
),
spans AS (
    SELECT r.service, r.referral_date,
           -- The last month end before it left the list (left on day x: waiting at ends < x).
           CASE WHEN r.left_list_date IS NULL THEN b.hi
                WHEN r.left_list_date - 1 = last_day(r.left_list_date - 1)
                    THEN r.left_list_date - 1
                ELSE date_trunc('month', r.left_list_date - 1)::DATE - 1 END AS last_end
    FROM waits_referrals r, bounds b
),
months AS (
    SELECT service, referral_date,
           last_day(unnest(generate_series(date_trunc('month', referral_date),
                                           date_trunc('month', last_end),
                                           INTERVAL 1 MONTH))) AS month_end
    FROM spans
    WHERE last_end >= last_day(referral_date)
)
SELECT month_end::DATE AS month_end, service,
       count(*)::INTEGER AS waiting,
       count(*) FILTER (WHERE month_end::DATE - referral_date > 126)::INTEGER AS over_18_weeks,
       count(*) FILTER (WHERE month_end::DATE - referral_date > 91)::INTEGER AS over_13_weeks
FROM months
GROUP BY ALL;
