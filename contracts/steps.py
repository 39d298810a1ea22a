"""One workflow step as it crosses to the services: the tasks it opens, the decision it completes, the
project's changes and the events for the trail, written in one transaction and at most once
(services/projects/steps.py)."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field


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
