"""Pages for the reference data Diskominfo edits that the analyzer reads (the street table)."""
