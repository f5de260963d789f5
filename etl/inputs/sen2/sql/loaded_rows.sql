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
