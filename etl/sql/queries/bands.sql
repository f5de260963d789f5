WITH bands(band, band_order) AS (
    VALUES ('Within 20 weeks', 1), ('20 to 52 weeks', 2), ('Over 52 weeks', 3))
SELECT b.band,
       count(p.band) AS plans_issued,
       count(p.band) FILTER (WHERE p.in_excl_exceptions) AS plans_issued_excl_exceptions
FROM bands b
LEFT JOIN (SELECT * FROM mart_plans_issued WHERE issue_year = $year AND issued_date <= $as_of) p USING (band)
GROUP BY b.band, b.band_order ORDER BY b.band_order
