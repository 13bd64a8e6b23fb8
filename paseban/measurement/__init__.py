"""Measurement: KPIs, indices, leaderboards, recognition, early warning and reports.

The modules here are pure (plain rows in, values out) except the three that read the database
for measurement (`queries.py` for the KPIs, with `content_queries.py` for the content figures and
`report_queries.py` for the report's tables) and `reports.py`/`render.py`, which build and render
reports.
"""
