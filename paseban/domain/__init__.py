"""Pure domain values and functions: no IO, no framework imports (tests/test_layers.py checks)."""
