"""A committee ballot: its voting and count (workflow.py) and its opening and closing (activities.py)."""
