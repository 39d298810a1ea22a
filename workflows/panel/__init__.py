"""An expert panel: its opinions and outcome (workflow.py) and its records (activities.py)."""
