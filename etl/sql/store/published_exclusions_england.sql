-- England's published annual suspension and permanent exclusion rates by SEN group (DfE national
-- characteristics file, 2011/12–2016/17), with the counts behind them.
SELECT measure, year AS academic_year, period AS academic_year_label,
       split_part(breakdown, '|', 2) AS phase, split_part(breakdown, '|', 3) AS sen_group,
       value, numerator, denominator, release, source_file
FROM pub_value
WHERE dataset = 'exclusions_national' AND level = 'England'
ORDER BY measure, year, phase,
         CASE split_part(breakdown, '|', 3) WHEN 'ehc_plan' THEN 1 WHEN 'sen_support' THEN 2
                                            ELSE 3 END
