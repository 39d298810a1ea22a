"""Plain data that crosses into and out of workflows. No database, no settings, no services."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field


class BallotRules(BaseModel):
    open_days: int = 14
    min_participation: float = 0.75
    min_approval: float = 2 / 3
    max_disapproval: float = 0.25
    abstentions: str = "counted"  # or "excluded" (ISO)


class PanelRules(BaseModel):
    min_size: int = 5
    min_size_without_committee: int = 15
    pass_ratio: float = 0.75
    opinion_days: int = 21


class PolicySnapshot(BaseModel):
    """A copy of the standard type's policy (services/projects/policy.py), taken when the project's
    workflow starts; the workflow never reads the live policy."""

    standard_type: str
    max_returns: int = 3
    screening_days: int = 14
    revision_days: int = 30
    ballot: BallotRules = Field(default_factory=BallotRules)
    drafting_days: int = 180
    consultation_days: int = 30
    disposition_days: int = 30
    panel: PanelRules = Field(default_factory=PanelRules)
    approval_days: int = 30
    publisher_kind: str = "industry"
    number_format: str = ""
    number_issued_outside: bool = False
    effective_after_days: int = 30
    pilot_months: int = 6
    report_interval_days: int = 30
    missed_reports_flag: int = 2
    evaluation_days: int = 60
    review_interval_years: int = 5
    reminder_offsets_days: list[int] = Field(default_factory=lambda: [3, 1])
    day_seconds: int = 86_400  # shorter only where a demonstration or benchmark compresses time


class ProjectInput(BaseModel):
    project_id: uuid.UUID
    proposer_id: uuid.UUID
    lead_org_id: uuid.UUID
    committee_id: uuid.UUID
    committee_org_id: uuid.UUID
    policy: PolicySnapshot
    # Set when a periodic review continues as a new run: the cycle starts from this date.
    review_since: datetime | None = None
    review_cycle: int = 0


class TaskSpec(BaseModel):
    id: uuid.UUID
    kind: str
    project_id: uuid.UUID | None = None
    committee_id: uuid.UUID | None = None
    assignee_id: uuid.UUID | None = None
    candidate_org_id: uuid.UUID | None = None
    candidate_role: str | None = None
    due_at: datetime | None = None
    priority: int = 0
    context: dict = Field(default_factory=dict)


class Completion(BaseModel):
    task_id: uuid.UUID
    decision: dict
    actor_id: uuid.UUID | None
    outcome: dict


class EventSpec(BaseModel):
    action: str
    data: dict = Field(default_factory=dict)
    actor_id: uuid.UUID | None = None


class ProjectChanges(BaseModel):
    stage: str | None = None
    step: str | None = None
    status: str | None = None
    return_count: int | None = None
    submitted_at: datetime | None = None
    workflow_id: str | None = None
    number: str | None = None
    published_at: datetime | None = None
    effective_from: date | None = None
    shanghai_standard: bool | None = None


class StepSpec(BaseModel):
    """Everything one workflow step writes, applied in one transaction and at most once."""

    id: str
    workflow_id: str
    project_id: uuid.UUID | None = None
    completion: Completion | None = None
    changes: ProjectChanges = Field(default_factory=ProjectChanges)
    open_tasks: list[TaskSpec] = Field(default_factory=list)
    cancel_task_ids: list[uuid.UUID] = Field(default_factory=list)
    expire_task_ids: list[uuid.UUID] = Field(default_factory=list)
    events: list[EventSpec] = Field(default_factory=list)
    # The `assigned` notice of each task it opens (but an escalation's, whose notice says as much);
    # steps written before they did left it to a local activity of its own.
    notify_assigned: bool = False


class StepWritten(BaseModel):
    """What writing a step answers: whether it was written now (not by an earlier attempt), and the
    outcome notices it wrote, for the workflow to have mailed when the worker mails."""

    written: bool
    notification_ids: list[uuid.UUID] = Field(default_factory=list)
    mail: bool = False


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
