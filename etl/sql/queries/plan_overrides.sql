SELECT o.created_at, o.plan, o.report_date, o.item_name, o.rag, o.reason, o.author
FROM tracker_overrides o ORDER BY o.override_id DESC
