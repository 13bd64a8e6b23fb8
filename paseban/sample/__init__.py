"""Sample and demo data (data contoh): generated deterministically, marked as sample, loaded by
`paseban init --sample`."""
