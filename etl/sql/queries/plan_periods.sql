SELECT plan, report_date, period_number, previous_report_date, source_file,
       report_date_source, overall_status,
       (SELECT count(*) FROM plan_items i
        WHERE i.plan = p.plan AND i.report_date = p.report_date) AS items
FROM plan_periods p ORDER BY report_date DESC, plan
