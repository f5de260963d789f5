-- One academic year: suspensions and permanent exclusions by reason and SEN group, commonest
-- reason first ("Not recorded" for a blank reason).
SELECT coalesce(reason, 'Not recorded') AS reason, sen_group,
       count(*) FILTER (WHERE category = 'suspension') AS suspensions,
       count(*) FILTER (WHERE category = 'permanent') AS permanent_exclusions,
       count(*) AS events,
       (sum(count(*)) OVER (PARTITION BY coalesce(reason, 'Not recorded')))::BIGINT AS reason_events
FROM exclusion_events WHERE academic_year = $academic_year
GROUP BY coalesce(reason, 'Not recorded'), sen_group
ORDER BY reason_events DESC, reason,
         CASE sen_group WHEN 'ehc_plan' THEN 1 WHEN 'sen_support' THEN 2 WHEN 'no_sen' THEN 3
                        ELSE 4 END
