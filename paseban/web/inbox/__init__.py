"""The inbox and the review queue."""
