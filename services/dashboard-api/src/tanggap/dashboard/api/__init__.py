"""HTTP: routes parse, call a use case, map the result; errors map once (errors.py)."""
