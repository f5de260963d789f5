-- NHS published waiting times (issue 12), in published.duckdb. Built by etl/published/waits.py
-- after build.sql's own tables. Sections start with "-- name: <section>"; values are bound.

-- name: tables
CREATE TABLE pub_chs_value (dataset VARCHAR, month DATE, level VARCHAR, org_code VARCHAR,
    org_name VARCHAR, service VARCHAR, band VARCHAR, weeks_from INTEGER, value DOUBLE,
    sheet VARCHAR, source_row BIGINT);
CREATE TABLE pub_autism (period_start DATE, period_end DATE, level VARCHAR, code VARCHAR,
    name VARCHAR, region VARCHAR, age_group VARCHAR, value DOUBLE, source_row BIGINT);
CREATE TABLE pub_la_icb (la_code VARCHAR, la_name VARCHAR, icb_code VARCHAR,
    icb_code_nhs VARCHAR, icb_name VARCHAR, share DOUBLE);
CREATE TABLE pub_la_subicb (la_name VARCHAR, subicb_code VARCHAR, subicb_name VARCHAR,
    icb_name VARCHAR, region VARCHAR);

-- name: keep_previous
-- Months and files not loaded this time keep their figures from the previous file (prev).
INSERT INTO pub_chs_value SELECT * FROM prev.pub_chs_value
WHERE NOT list_contains($loaded::VARCHAR[], dataset);
INSERT INTO pub_autism SELECT * FROM prev.pub_autism
WHERE NOT list_contains($loaded::VARCHAR[], 'nhs_autism');
INSERT INTO pub_la_icb SELECT * FROM prev.pub_la_icb
WHERE NOT list_contains($loaded::VARCHAR[], 'la_to_icb');
INSERT INTO pub_la_subicb SELECT * FROM prev.pub_la_subicb
WHERE NOT list_contains($loaded::VARCHAR[], 'la_to_subicb');

-- name: derived
-- One row per (month, organisation, service): the total list (Table 4) and the bands over 18
-- and over 52 weeks, summed from the band tables by the weeks each band starts after. A blank
-- (no submission) in a band needed leaves the sum blank too — never a partial count.
CREATE TABLE pub_chs_waits AS
SELECT month, level, org_code, org_name, service,
       max(value) FILTER (WHERE band = 'total') AS waiting,
       CASE WHEN count(*) FILTER (WHERE weeks_from >= 18) = 0
                 OR count(*) FILTER (WHERE weeks_from >= 18 AND value IS NULL) > 0 THEN NULL
            ELSE sum(value) FILTER (WHERE weeks_from >= 18) END AS over_18_weeks,
       CASE WHEN count(*) FILTER (WHERE weeks_from >= 52) = 0
                 OR count(*) FILTER (WHERE weeks_from >= 52 AND value IS NULL) > 0 THEN NULL
            ELSE sum(value) FILTER (WHERE weeks_from >= 52) END AS over_52_weeks,
       any_value(dataset) AS dataset
FROM pub_chs_value
GROUP BY month, level, org_code, org_name, service;
