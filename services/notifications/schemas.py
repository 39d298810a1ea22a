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
