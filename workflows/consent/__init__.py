"""A co-drafting organisation's consent (workflow.py) and its records (activities.py)."""
