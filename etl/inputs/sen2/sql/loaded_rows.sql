-- Rows of SEN2 files that were loaded (the load log counts them), each row once. A row of a
-- sheet that feeds one module is in one table; only a sheet whose rows feed several (a flat case
-- list: person, request, assessment and need from one row) is made distinct, so the load log
-- need not sort out the millions of rows of module files (issue 11). A view: the load log reads it
-- once per build, and a table of every loaded row cost more to write than the log does to read.
CREATE OR REPLACE VIEW sen2_loaded_rows AS
WITH loaded AS (
    SELECT 'sen2' AS module, load_id, source_sheet, source_row FROM sen2
    UNION ALL SELECT 'person', load_id, source_sheet, source_row FROM person
    UNION ALL SELECT 'requests', load_id, source_sheet, source_row FROM requests
    UNION ALL SELECT 'assessment', load_id, source_sheet, source_row FROM assessment
    UNION ALL SELECT 'named_plan', load_id, source_sheet, source_row FROM named_plan
    UNION ALL SELECT 'plan_detail', load_id, source_sheet, source_row FROM plan_detail
    UNION ALL SELECT 'active_plans', load_id, source_sheet, source_row FROM active_plans
    UNION ALL SELECT 'placement_detail', load_id, source_sheet, source_row FROM placement_detail
    UNION ALL SELECT 'sen_need', load_id, source_sheet, source_row FROM sen_need
),
shared AS (
    SELECT load_id, source_sheet FROM (SELECT DISTINCT module, load_id, source_sheet FROM loaded)
    GROUP BY ALL HAVING count(*) > 1
)
SELECT l.load_id, l.source_sheet, l.source_row FROM loaded l
ANTI JOIN shared s ON s.load_id = l.load_id AND s.source_sheet IS NOT DISTINCT FROM l.source_sheet
UNION ALL
SELECT DISTINCT l.load_id, l.source_sheet, l.source_row FROM loaded l
SEMI JOIN shared s ON s.load_id = l.load_id AND s.source_sheet IS NOT DISTINCT FROM l.source_sheet;
