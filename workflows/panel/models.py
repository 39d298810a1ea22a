"""What an expert panel is formed with and what it concludes: plain data, shared by every run."""

import uuid

from pydantic import BaseModel, Field

from contracts.policy import PanelPolicy
from contracts.tallies import PanelOutcome

# The workflow type of the child runs that older projects started (workflows/panel/workflow.py).
PANEL_WORKFLOW = "PanelWorkflow"


class PanelInput(BaseModel):
    project_id: uuid.UUID
    committee_id: uuid.UUID
    committee_org_id: uuid.UUID
    expert_ids: list[uuid.UUID]
    rules: PanelPolicy
    formed_by: uuid.UUID | None = None  # the secretary who named the experts
    replacement_days: int = 14  # how long the secretary has to fill a seat
    # From the project's policy: the length of a policy day, and when experts are reminded.
    day_seconds: int = 86_400
    reminder_offsets_days: list[int] = Field(default_factory=lambda: [3, 1])


class PanelResult(PanelOutcome):
    panel_id: uuid.UUID
