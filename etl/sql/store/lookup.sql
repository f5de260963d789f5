-- Where a watchlist reference came from. The reference is "R-" and the first 10 characters of
-- the keyed request hash (see the watchlist), so the match is on that prefix.
SELECT source_file AS file, source_sheet AS sheet, source_row AS "row"
FROM requests
WHERE 'R-' || upper(substr(request_key, 1, 10)) = $reference
