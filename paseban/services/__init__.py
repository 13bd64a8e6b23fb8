"""The only code that changes state. The API, dashboard, CLI and jobs all call these."""
