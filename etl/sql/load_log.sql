-- The full problem list and the per-file load log, over every input kind. Grain of `problems`:
-- one problem on one cell/row of one file. {loaded_rows} is the union of each kind's
-- <kind>_loaded_rows table (names from the registry, never from a file).
-- Both tables are made file by file: every row of them depends on one file's rows only, so a
-- load that rebuilds some kinds (issue 11) remakes the rows of the files in the temp table
-- log_loads (load_id) and keeps the others; a full build lists every file there.

-- Each kind lists each loaded row once (etl/inputs/kind.py), and a file belongs to one kind.
CREATE OR REPLACE TEMP TABLE all_loaded_rows AS
SELECT load_id, source_sheet, source_row FROM ({loaded_rows})
WHERE load_id IN (SELECT load_id FROM log_loads);

-- Rows whose record a later file holds and that no module loaded (issue 9): they count as
-- superseded and their row problems leave the list, so a newer file repeating the same bad row
-- lists it once. File-level problems (no row) are never superseded.
-- An anti-join, not EXCEPT: EXCEPT hashes every loaded row (0.85 s at national scale) to
-- remove them from a list that is usually empty (issue 11).
CREATE OR REPLACE TEMP TABLE superseded_rows AS
SELECT DISTINCT load_id, source_sheet, source_row FROM superseded s
WHERE load_id IN (SELECT load_id FROM log_loads)
  AND NOT EXISTS (
    SELECT 1 FROM all_loaded_rows a
    WHERE a.load_id = s.load_id AND a.source_sheet IS NOT DISTINCT FROM s.source_sheet
      AND a.source_row = s.source_row);

-- A file that failed (refused whole) and was loaded successfully later from the same path is
-- shown once, as loaded: the failed attempt and its problems leave the log (issue 14). It read
-- no rows, so nothing is lost.
CREATE OR REPLACE TEMP TABLE retried_failures AS
SELECT f.load_id FROM load_files f
WHERE f.status = 'failed'
  AND EXISTS (SELECT 1 FROM load_files g
              WHERE g.path = f.path AND g.load_id > f.load_id AND g.status = 'staged');

CREATE TABLE IF NOT EXISTS problems AS SELECT * FROM file_problems LIMIT 0;
DELETE FROM problems
WHERE load_id IN (SELECT load_id FROM log_loads UNION ALL SELECT load_id FROM retried_failures);
INSERT INTO problems
SELECT * FROM (
    SELECT * FROM file_problems
    UNION ALL SELECT * FROM build_problems
    UNION ALL SELECT * FROM query_problems
) p
WHERE p.load_id IN (SELECT load_id FROM log_loads)
  AND p.load_id NOT IN (SELECT load_id FROM retried_failures)
  AND (p."row" IS NULL OR NOT EXISTS (
    SELECT 1 FROM superseded_rows s
    WHERE s.load_id = p.load_id AND s.source_sheet IS NOT DISTINCT FROM p.sheet
      AND s.source_row = p."row"));

-- Per file: every row read ends up loaded, rejected (an error on the row) or superseded (the same
-- record loaded again from a later file). rows_read = rows_loaded + rows_rejected + rows_superseded.
CREATE OR REPLACE TEMP VIEW load_log_remade AS
WITH rejected_rows AS (
    SELECT DISTINCT load_id, sheet AS source_sheet, "row" AS source_row
    FROM problems WHERE severity = 'error' AND "row" IS NOT NULL
      AND load_id IN (SELECT load_id FROM log_loads)
),
-- Precedence: an error on the row wins, then loaded, else superseded. Counted per file from
-- the few rejected and superseded rows (issue 11): loaded = every loaded row less those an
-- error rejects; superseded = superseded_rows (never loaded) less the rejected.
loaded AS (SELECT load_id, count(*) AS n FROM all_loaded_rows GROUP BY ALL),
loaded_rejected AS (
    SELECT l.load_id, count(*) AS n
    FROM all_loaded_rows l JOIN rejected_rows r
      ON r.load_id = l.load_id AND r.source_sheet IS NOT DISTINCT FROM l.source_sheet
     AND r.source_row IS NOT DISTINCT FROM l.source_row
    GROUP BY ALL),
rejected AS (SELECT load_id, count(*) AS n FROM rejected_rows GROUP BY ALL),
superseded_only AS (
    SELECT load_id, count(*) AS n
    FROM (SELECT load_id, source_sheet, source_row FROM superseded_rows
          EXCEPT SELECT load_id, source_sheet, source_row FROM rejected_rows)
    GROUP BY ALL)
SELECT f.load_id, f.file, f.path, f.content_hash, f.shape, f.status, f.message, f.loaded_at,
       f.synthetic, f.as_of, f.rows_read,
       (coalesce(l.n, 0) - coalesce(lr.n, 0))::INTEGER AS rows_loaded,
       coalesce(r.n, 0)::INTEGER AS rows_rejected,
       coalesce(s.n, 0)::INTEGER AS rows_superseded,
       (SELECT count(*) FROM problems p WHERE p.load_id = f.load_id AND p.severity = 'query')::INTEGER
           AS queries
FROM load_files f
LEFT JOIN loaded l USING (load_id)
LEFT JOIN loaded_rejected lr USING (load_id)
LEFT JOIN rejected r USING (load_id)
LEFT JOIN superseded_only s USING (load_id)
WHERE f.load_id IN (SELECT load_id FROM log_loads)
  AND f.load_id NOT IN (SELECT load_id FROM retried_failures);
CREATE TABLE IF NOT EXISTS load_log AS SELECT * FROM load_log_remade LIMIT 0;
DELETE FROM load_log
WHERE load_id IN (SELECT load_id FROM log_loads UNION ALL SELECT load_id FROM retried_failures);
INSERT INTO load_log SELECT * FROM load_log_remade;
