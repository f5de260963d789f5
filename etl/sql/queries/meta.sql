SELECT snapshot_date, synthetic, requests_loaded, la_count, built_at FROM warehouse_meta
