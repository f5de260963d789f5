-- How many loaded files were not written by the demo generator (the demo refuses to replace them).
SELECT count(*) FILTER (WHERE NOT synthetic) FROM load_files WHERE status = 'staged'
