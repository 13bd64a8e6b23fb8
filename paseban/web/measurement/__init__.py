"""Measurement pages and API: leaderboards, scorecards, reports, field visits and alerts."""
