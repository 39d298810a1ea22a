"""The workflow of one standard project: its state (steps.py), one module per stage (stages/), and
the activities only its stages call."""
