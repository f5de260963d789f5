WITH groups(age_group, group_order) AS (
    VALUES ('Under 5', 1), ('5 to 10', 2), ('11 to 15', 3), ('16 to 19', 4),
           ('20 to 25', 5), ('Not recorded', 6))
SELECT g.age_group,
       count(p.age_group) AS plans_issued,
       count(p.age_group) FILTER (WHERE p.within_20_weeks) AS within_20_weeks,
       count(p.age_group) FILTER (WHERE p.in_excl_exceptions)
           AS plans_issued_excl_exceptions,
       count(p.age_group) FILTER (WHERE p.in_excl_exceptions AND p.within_20_weeks)
           AS within_20_weeks_excl_exceptions
FROM groups g
LEFT JOIN (SELECT * FROM mart_plans_issued WHERE issue_year = $year AND issued_date <= $as_of) p USING (age_group)
GROUP BY g.age_group, g.group_order
-- Keep every age band that has plans, and never show an empty "Not recorded" row.
HAVING count(p.age_group) > 0 OR g.group_order < 6
ORDER BY g.group_order
