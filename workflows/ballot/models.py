"""What a ballot is started with and what it ends with: plain data, shared by every run."""

import uuid

from pydantic import BaseModel, Field

from contracts.policy import BallotPolicy

# The workflow type of the child runs that older projects started (workflows/ballot/workflow.py).
BALLOT_WORKFLOW = "BallotWorkflow"


class BallotInput(BaseModel):
    project_id: uuid.UUID
    committee_id: uuid.UUID
    committee_org_id: uuid.UUID
    purpose: str  # e.g. "new_work_item"
    draft_id: uuid.UUID | None = None  # the draft version the ballot is on, if any
    rules: BallotPolicy = Field(default_factory=BallotPolicy)
    # From the project's policy: the length of a policy day, and when members are reminded.
    day_seconds: int = 86_400
    reminder_offsets_days: list[int] = Field(default_factory=lambda: [3, 1])


class BallotResult(BaseModel):
    ballot_id: uuid.UUID
    passed: bool
    eligible: int  # voting members less those who recused
    approve: int
    disapprove: int
    abstain: int
    recused: int
    reason: str
