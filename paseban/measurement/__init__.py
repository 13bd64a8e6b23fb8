"""Measurement: KPIs, indices, leaderboards, recognition, early warning and reports.

The modules here are pure (plain rows in, values out) except `queries.py`, the one place that
reads the database for measurement, and `reports.py`/`render.py`, which build and render reports.
"""
