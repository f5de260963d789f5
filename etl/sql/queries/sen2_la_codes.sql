-- The LA each loaded SEN2 file says it is from (the XML return's LEA, the LA number of a
-- template's header record or of a Blade sen2 file), newest file first, so that the dashboard can
-- take the home LA from the data. Grain: one row per LA code per file.
SELECT DISTINCT s.la_code, f.file, f.load_id, s.reference_date
FROM stg_sen2 s
JOIN load_files f USING (load_id)
WHERE s.la_code IS NOT NULL AND f.status = 'staged'
ORDER BY f.load_id DESC, s.la_code
