"""Bringing messages in and answers out: webhook deliveries, polls, file imports, manual entry, the
analysis job and the outbox."""
