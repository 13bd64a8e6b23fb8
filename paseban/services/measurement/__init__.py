"""Measurement: metric snapshots, field visits, early warning, the roll-ups behind the KPIs and the
reports to the Wali Kota."""
