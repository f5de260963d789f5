-- Annual reviews as at $as_of (issue 10): plans due a review, overdue, and review decisions made
-- within 4 weeks of the meeting. Definitions: etl/inputs/sen2/sql/marts.sql, annual_review_plans.
SELECT $as_of::DATE AS as_of, plans_due, reviews_overdue, decisions_made, decisions_within_4_weeks
FROM annual_review_counts($as_of::DATE)
