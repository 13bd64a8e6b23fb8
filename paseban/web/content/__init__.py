"""Content pages under /konten and the content REST API."""
