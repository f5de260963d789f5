-- Improvement-plan trackers: registers, the rows each file loaded (for the load log), and the
-- period-in-force views. Runs after etl/tracker/store.py has built plan_periods and plan_items.
-- Grain: plan_items one row per (plan, report_date, item_key); plan_registers one row per
-- (plan, report_date, register, ref or description).

-- Each item with the override in force for its period, if any: the latest override of that item
-- in that period, unless it cleared the RAG. A view, so that an override recorded after this build
-- (etl.records: tracker_overrides as a temp table on each connection) shows at once.
CREATE OR REPLACE VIEW plan_items AS
WITH in_force AS (
    SELECT plan, report_date, item_key, rag AS override_rag, reason AS override_reason,
           author AS override_author, created_at AS override_at
    FROM tracker_overrides
    QUALIFY row_number() OVER (PARTITION BY plan, report_date, item_key
                               ORDER BY override_id DESC) = 1
)
SELECT r.*, o.override_rag, o.override_reason, o.override_author, o.override_at,
       coalesce(o.override_rag, r.computed_rag) AS rag
FROM plan_items_rated r
LEFT JOIN (SELECT * FROM in_force WHERE override_rag IS NOT NULL) o
    USING (plan, report_date, item_key);

CREATE OR REPLACE TABLE plan_registers AS
SELECT r.* FROM stg_tracker_registers r JOIN plan_periods p USING (load_id);

-- KPI links of each period (issue 15; etl.kpi_links): grain (plan, report_date, source_row).
CREATE OR REPLACE TABLE plan_kpi_links AS
SELECT l.* FROM stg_tracker_kpi_links l JOIN plan_periods p USING (load_id);

-- Rows of tracker files that were loaded (checks.sql counts them in load_log).
CREATE OR REPLACE TABLE tracker_loaded_rows AS
SELECT load_id, source_sheet, source_row FROM plan_items
UNION ALL SELECT load_id, source_sheet, source_row FROM plan_registers
UNION ALL SELECT load_id, source_sheet, source_row FROM plan_kpi_links;

-- The period in force at date d for each plan: its latest report date on or before d
-- (d NULL = the latest period of each plan).
CREATE OR REPLACE MACRO plan_periods_at(d) AS TABLE
SELECT * FROM plan_periods
WHERE (d IS NULL OR report_date <= d)
QUALIFY report_date = max(report_date) OVER (PARTITION BY plan);

CREATE OR REPLACE MACRO plan_items_at(d) AS TABLE
SELECT i.* FROM plan_items i JOIN plan_periods_at(d) p USING (plan, report_date);

CREATE OR REPLACE MACRO plan_registers_at(d) AS TABLE
SELECT r.* FROM plan_registers r JOIN plan_periods_at(d) p USING (plan, report_date);

-- What changed since each plan's previous period: one row per change (an item may have several).
CREATE OR REPLACE MACRO plan_changes_at(d) AS TABLE
WITH periods AS (SELECT plan, report_date, previous_report_date FROM plan_periods_at(d)),
cur AS (SELECT i.* FROM plan_items i JOIN periods p USING (plan, report_date)),
prev AS (SELECT i.* FROM plan_items i
         JOIN periods p ON i.plan = p.plan AND i.report_date = p.previous_report_date),
paired AS (
    SELECT coalesce(c.plan, p.plan) AS plan,
           coalesce(c.item_kind, p.item_kind) AS item_kind,
           coalesce(c.ref, p.ref) AS ref,
           coalesce(c.name, p.name) AS name,
           coalesce(c.workstream, p.workstream) AS workstream,
           coalesce(c.owner, p.owner) AS owner,
           c.rag AS rag_now, p.rag AS rag_before,
           c.end_date AS end_now, p.end_date AS end_before,
           c.reported_status AS status_now, p.reported_status AS status_before,
           c.item_key IS NOT NULL AS in_now, p.item_key IS NOT NULL AS in_before
    FROM cur c FULL OUTER JOIN prev p ON c.plan = p.plan AND c.item_key = p.item_key
    -- A plan's first period has nothing to compare with.
    WHERE EXISTS (SELECT 1 FROM periods x
                  WHERE x.plan = coalesce(c.plan, p.plan) AND x.previous_report_date IS NOT NULL))
SELECT * FROM (
    SELECT 1 AS change_order, 'Newly Red' AS change, plan, item_kind, ref, name, workstream, owner,
           rag_now, rag_before,
           CASE WHEN in_before THEN 'was ' || rag_before ELSE 'new this period' END AS detail
    FROM paired WHERE rag_now = 'Red' AND rag_before IS DISTINCT FROM 'Red'
    UNION ALL
    SELECT 2, 'Newly complete', plan, item_kind, ref, name, workstream, owner, rag_now, rag_before,
           CASE WHEN in_before THEN 'was ' || rag_before ELSE 'new this period' END
    FROM paired WHERE rag_now = 'Complete' AND rag_before IS DISTINCT FROM 'Complete'
    UNION ALL
    SELECT 3, 'End date slipped', plan, item_kind, ref, name, workstream, owner, rag_now,
           rag_before,
           strftime(end_before, '%d/%m/%Y') || ' → ' || strftime(end_now, '%d/%m/%Y') || ' (+'
           || (end_now - end_before) || ' days)'
    FROM paired WHERE end_now > end_before
    UNION ALL
    SELECT 4, 'Status changed', plan, item_kind, ref, name, workstream, owner, rag_now, rag_before,
           'reported ' || coalesce(status_before, '(blank)') || ' → ' || coalesce(status_now, '(blank)')
    FROM paired WHERE in_now AND in_before AND status_now IS DISTINCT FROM status_before
    UNION ALL
    SELECT 5, 'RAG changed', plan, item_kind, ref, name, workstream, owner, rag_now, rag_before,
           rag_before || ' → ' || rag_now
    FROM paired
    WHERE in_now AND in_before AND rag_now <> rag_before AND rag_now NOT IN ('Red', 'Complete')
    UNION ALL
    SELECT 6, 'New this period', plan, item_kind, ref, name, workstream, owner, rag_now, NULL,
           'not in the previous report'
    FROM paired WHERE in_now AND NOT in_before
    UNION ALL
    SELECT 7, 'No longer reported', plan, item_kind, ref, name, workstream, owner, NULL,
           rag_before, 'in the previous report, not in this one'
    FROM paired WHERE in_before AND NOT in_now);

CREATE OR REPLACE MACRO plan_kpi_links_at(d) AS TABLE
SELECT l.* FROM plan_kpi_links l JOIN plan_periods_at(d) p USING (plan, report_date);
