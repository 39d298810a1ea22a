"""The human-step core every workflow is built on: tasks opened and decided, each step written once
(human.py), the deadline clock (deadlines.py), what a failing activity leaves behind (failures.py),
local writes (local.py), which workflow changes a run has (versions.py), and the activities they call."""
