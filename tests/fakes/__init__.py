"""Fake platforms on 127.0.0.1 for the onboarding and officer-notification tests (issue 19)."""
