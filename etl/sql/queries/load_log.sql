SELECT file, loaded_at, shape,
       -- A file whose every row was rejected loaded nothing: say so, not "Loaded".
       CASE WHEN status = 'staged' AND rows_loaded = 0 AND rows_superseded = 0
            THEN 'nothing_loaded' ELSE status END AS status,
       message, rows_read, rows_loaded, rows_rejected, rows_superseded, queries
FROM load_log ORDER BY load_id
