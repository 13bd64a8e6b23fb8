"""Signing in and the settings for accounts, users, OPDs, topics and API tokens."""
