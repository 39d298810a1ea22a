"""A coordination request between organisations (workflow.py) and its records (activities.py)."""
