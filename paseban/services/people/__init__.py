"""People: official accounts and users, sign-in and tokens, the audit trail, account credentials and
e-mail notifications."""
