"""Plain data of the workflows themselves: their inputs, decisions and snapshots. What the services
read as well (policies, steps, tallies) is in contracts/. No database, no settings, no services."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from contracts.policy import ProjectPolicy
from contracts.steps import EventSpec, ProjectChanges


class ProjectInput(BaseModel):
    project_id: uuid.UUID
    proposer_id: uuid.UUID
    lead_org_id: uuid.UUID
    committee_id: uuid.UUID
    committee_org_id: uuid.UUID
    policy: ProjectPolicy  # copied when the project starts; the workflow never reads the live policy
    # Set when a periodic review continues as a new run: the cycle starts from this date.
    review_since: datetime | None = None
    review_cycle: int = 0


class DecisionSeal(BaseModel):
    """The API's proof that it authorised a decision (services/crypto/seals.py)."""

    key_id: str
    signed_at: datetime
    signature: str


class TaskDecision(BaseModel):
    """A person's decision on a task, already checked against the task kind's form; sealed by the API
    that checked it. Decisions recorded before seals existed have none."""

    task_id: uuid.UUID
    decision: dict
    actor_id: uuid.UUID
    seal: DecisionSeal | None = None


class Opening(BaseModel):
    """What the step that opens a ballot or a panel also writes: the decision that led to it, with its
    changes and events."""

    decided: TaskDecision | None = None
    changes: ProjectChanges | None = None
    events: list[EventSpec] = Field(default_factory=list)


class DecisionCheck(BaseModel):
    """A decision whose seal the worker checks before the workflow takes it."""

    workflow_id: str
    decision: TaskDecision


class OpenTaskView(BaseModel):
    id: uuid.UUID
    kind: str


class ProjectSnapshot(BaseModel):
    stage: str
    step: str
    status: str
    open_tasks: list[OpenTaskView] = Field(default_factory=list)
    finished: bool = False
