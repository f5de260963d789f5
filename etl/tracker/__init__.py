"""Improvement-plan trackers: highlight reports and action logs (DESIGN §3, §5).

- :mod:`etl.tracker.stage` recognises tracker sheets and turns them into typed staging rows plus
  problems (every row loaded or in the problem list, DESIGN §6).
- :mod:`etl.tracker.store` holds the staging tables, rates every milestone (``etl.rag``) when the
  warehouse is built, and keeps manual RAG overrides with their history.
- :mod:`etl.tracker.report` answers the CLI's and the dashboard's questions (the milestones in
  force at a date, counts by RAG).
- :mod:`etl.tracker.demo` writes a synthetic highlight report and action log.
"""
