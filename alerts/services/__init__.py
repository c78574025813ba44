"""State changes: each service checks its rule, calls data/, commits once."""
