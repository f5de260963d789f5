-- The published-figures database (published.duckdb), built by etl/published/build.py.
-- Sections start with "-- name: <section>"; values are bound as $parameters, never written in.
-- normalise_name() is etl.published.areas.normalise_name, registered on the build connection, so
-- LA names are matched by one function in Python and SQL alike.

-- name: tables
-- Grain: one row per (file, measure, year, area, breakdown) read this time.
CREATE TABLE pub_value_all AS SELECT * FROM new_values;
CREATE TABLE pub_file (dataset VARCHAR, file VARCHAR, path VARCHAR, release VARCHAR,
    sha256 VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_not_used BIGINT,
    rows_rejected BIGINT, message VARCHAR, loaded_at TIMESTAMP);
CREATE TABLE pub_not_used (dataset VARCHAR, file VARCHAR, reason VARCHAR, rows BIGINT);
CREATE TABLE pub_problem (dataset VARCHAR, file VARCHAR, "row" BIGINT, "column" VARCHAR,
    rule VARCHAR, severity VARCHAR, message VARCHAR);
CREATE TABLE pub_neighbour_raw (la_name VARCHAR, position INTEGER, neighbour_name VARCHAR);
-- DfE's own statistical-neighbour set by 3-digit LA number (issue 13).
CREATE TABLE pub_neighbour_code_raw (la_number VARCHAR, la_name VARCHAR, position INTEGER,
    neighbour_number VARCHAR, closeness VARCHAR, block VARCHAR);
CREATE TABLE pub_predecessor (la_code VARCHAR, since_year INTEGER, predecessor_code VARCHAR);

-- name: keep_previous
-- Datasets not loaded this time keep their figures from the previous file (attached as prev).
-- $loaded lists the datasets this load read successfully.
INSERT INTO pub_value_all SELECT * FROM prev.pub_value_all
WHERE NOT list_contains($loaded::VARCHAR[], dataset);
-- Kept datasets keep the record of the file they came from, also when this load tried that
-- dataset again and failed (the failure is recorded beside it).
INSERT INTO pub_file SELECT * FROM prev.pub_file
WHERE NOT list_contains($loaded::VARCHAR[], dataset) AND message = '';
INSERT INTO pub_not_used SELECT * FROM prev.pub_not_used
WHERE dataset NOT IN (SELECT dataset FROM pub_file WHERE message = '');
INSERT INTO pub_problem SELECT * FROM prev.pub_problem
WHERE dataset NOT IN (SELECT dataset FROM pub_file WHERE message = '');

-- name: keep_previous_neighbours
INSERT INTO pub_neighbour_raw SELECT * FROM prev.pub_neighbour_raw;

-- name: keep_previous_dfe_neighbours
INSERT INTO pub_neighbour_code_raw SELECT * FROM prev.pub_neighbour_code_raw;

-- name: derived
-- One figure per (measure, year, area, breakdown): the newer release wins where two overlap
-- (sen2_mi 2014-2022 and the 2025 release overlap for 2019-2022).
CREATE TABLE pub_value AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY measure, year, level, area_code, breakdown
        ORDER BY release_rank DESC, source_row) AS rn
    FROM pub_value_all)
WHERE rn = 1;

-- LA directory: latest name, codes and region of each LA (9-character code).
CREATE TABLE pub_la AS
SELECT area_code AS la_code,
       arg_max(old_la_code, year) AS old_la_code,
       arg_max(area_name, year) AS la_name,
       arg_max(region_code, year) FILTER (WHERE region_code IS NOT NULL) AS region_code,
       arg_max(region_name, year) FILTER (WHERE region_name IS NOT NULL) AS region_name,
       min(year) AS first_year, max(year) AS last_year
FROM pub_value WHERE level = 'LA'
  -- Exclusion rates (issue 13) count academic years, not the calendar years of the directory.
  AND dataset NOT IN ('la_exclusions_by_sen')
GROUP BY area_code;

-- Neighbour names -> codes. A name can belong to two LAs over time (Dorset county and Dorset
-- unitary): the one reporting most recently is meant.
CREATE TEMP TABLE best_name AS
SELECT normalise_name(la_name) AS norm, arg_max(la_code, last_year) AS la_code
FROM pub_la GROUP BY norm;
CREATE TEMP TABLE neighbour_norm AS
SELECT r.*, normalise_name(r.la_name) AS la_norm, normalise_name(r.neighbour_name) AS nb_norm
FROM pub_neighbour_raw r;
CREATE TABLE pub_neighbour AS
SELECT l.la_code, n.position, nb.la_code AS neighbour_code, n.neighbour_name
FROM neighbour_norm n
JOIN best_name l ON l.norm = n.la_norm
JOIN best_name nb ON nb.norm = n.nb_norm;
CREATE TABLE pub_neighbour_unmatched AS
SELECT la_name AS name FROM neighbour_norm WHERE la_norm NOT IN (SELECT norm FROM best_name)
UNION
SELECT neighbour_name FROM neighbour_norm WHERE nb_norm NOT IN (SELECT norm FROM best_name);

-- DfE's set: 3-digit LA numbers -> codes (a number used by two LAs over time: the one reporting
-- most recently). The "Old SNs" block gives the neighbours of LAs before a reorganisation.
CREATE TEMP TABLE best_number AS
SELECT old_la_code AS la_number, arg_max(la_code, last_year) AS la_code
FROM pub_la WHERE old_la_code IS NOT NULL GROUP BY old_la_code;
CREATE TABLE pub_neighbour_dfe AS
SELECT l.la_code, r.position, nb.la_code AS neighbour_code, r.closeness, r.block
FROM pub_neighbour_code_raw r
JOIN best_number l ON l.la_number = r.la_number
JOIN best_number nb ON nb.la_number = r.neighbour_number;
CREATE TABLE pub_neighbour_dfe_unmatched AS
SELECT DISTINCT la_number || ' (' || la_name || ')' AS name FROM pub_neighbour_code_raw
WHERE la_number NOT IN (SELECT la_number FROM best_number)
UNION
SELECT DISTINCT neighbour_number FROM pub_neighbour_code_raw
WHERE neighbour_number NOT IN (SELECT la_number FROM best_number);

CREATE TABLE pub_meta AS SELECT now()::TIMESTAMP AS built_at;
