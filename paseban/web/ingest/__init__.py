"""Messages coming in: the platforms' webhook endpoints and 'lapor langsung' (manual entry)."""
