-- The home LA's published suspension and permanent exclusion rates by SEN group, term and phase
-- (issue 13), each with its rank among the LAs publishing a figure for the same measure, term,
-- phase and SEN group (1 = lowest rate), the median of its statistical neighbours ($neighbours:
-- their codes, in the set in use) and the source release. Rates per 100 pupils as published
-- (3 dp); suppressed cells are absent from the file, so they are neither ranked nor in a median.
WITH ranked AS (
    SELECT measure, year, period, breakdown, area_code, area_name, value, release, source_file,
           split_part(breakdown, '|', 1) AS term,
           split_part(breakdown, '|', 2) AS phase,
           split_part(breakdown, '|', 3) AS sen_group,
           rank() OVER w AS rank,
           count(*) OVER w AS las_ranked,
           round(median(CASE WHEN list_contains($neighbours::VARCHAR[], area_code) THEN value END)
                 OVER w, 3) AS neighbours_median,
           count(CASE WHEN list_contains($neighbours::VARCHAR[], area_code) THEN value END)
               OVER w AS neighbours_with_value
    FROM pub_value
    WHERE dataset = 'la_exclusions_by_sen' AND level = 'LA' AND value IS NOT NULL
    WINDOW w AS (PARTITION BY measure, year, breakdown ORDER BY value
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT measure, year AS academic_year,
       year::VARCHAR || '/' || lpad(((year + 1) % 100)::VARCHAR, 2, '0') AS academic_year_label,
       term, period, phase, sen_group, value, rank, las_ranked, neighbours_median,
       neighbours_with_value, area_name, release, source_file
FROM ranked
-- An LA that replaced others (etl.published.areas.PREDECESSORS) shows theirs for earlier years.
WHERE area_code = $la_code
   OR area_code IN (SELECT predecessor_code FROM pub_predecessor WHERE la_code = $la_code)
ORDER BY measure, year, CASE term WHEN 'Autumn' THEN 1 WHEN 'Spring' THEN 2 ELSE 3 END, phase,
         CASE sen_group WHEN 'ehc_plan' THEN 1 WHEN 'sen_support' THEN 2 ELSE 3 END
