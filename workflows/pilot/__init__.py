"""A pilot site: its plan and reports (workflow.py) and its records (activities.py)."""
