import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.notifications.models import NotificationKind


class NotificationFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unread: bool = False
    project_id: uuid.UUID | None = None
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=500)


class NotificationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: NotificationKind
    subject_zh: str
    subject_en: str
    body: str
    task_id: uuid.UUID | None
    project_id: uuid.UUID | None
    created_at: datetime
    read_at: datetime | None
    sent_at: datetime | None


class NotificationPage(BaseModel):
    items: list[NotificationPublic]
    next_cursor: str | None
    unread: int = Field(description="how many of your notifications are unread, on every page")


class PersonRef(BaseModel):
    id: uuid.UUID
    display_name: str


class EscalationPublic(BaseModel):
    """An escalation (`overdue_task`) and the late task it is about."""

    task_id: uuid.UUID = Field(description="the escalation's own task")
    state: str = Field(description="the escalation's state: open or claimed while it waits")
    late_task_id: uuid.UUID
    late_kind: str
    late_title_zh: str
    late_title_en: str
    late_state: str
    project_id: uuid.UUID | None
    due_at: datetime | None = Field(description="when the late task was due")
    overdue_days: int
    assignee: PersonRef | None = Field(description="who holds the late task, if anyone claimed it")
    candidate_org_id: uuid.UUID | None = Field(description="the organisation the late task is offered to")
    candidate_role: str | None
    holders: list[PersonRef] = Field(description="who a reminder goes to")
    candidates: list[PersonRef] = Field(description="who the late task can be reassigned to")
    last_reminded_at: datetime | None
    next_reminder_at: datetime | None = Field(description="the earliest time for another reminder")


class Reassignment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: uuid.UUID = Field(description="a person holding the late task's role in its organisation")
