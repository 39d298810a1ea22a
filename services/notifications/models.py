import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.db import utcnow


class NotificationKind(StrEnum):
    assigned = "assigned"  # a task was opened for you
    reminder = "reminder"  # a task of yours is due soon
    escalation = "escalation"  # a task passed its deadline
    outcome = "outcome"  # what was decided on a project of yours: screening, ballot, panel, publication, review
    info = "info"


class Notification(SQLModel, table=True):
    """The outbox: one message to one person, read in the UI and, when SMTP is configured, mailed."""

    __tablename__ = "notification"
    __table_args__ = (
        # The same event is written once per recipient, however often the activity is retried.
        UniqueConstraint("dedup_key", "recipient_id", name="uq_notification_dedup"),
        Index("ix_notification_recipient_created", "recipient_id", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    recipient_id: uuid.UUID = Field(foreign_key="user_account.id")
    kind: NotificationKind = Field(sa_type=String(16))
    subject_zh: str = Field(max_length=300)
    subject_en: str = Field(max_length=300)
    body: str = Field(sa_type=Text)
    task_id: uuid.UUID | None = Field(default=None, foreign_key="task.id", index=True)
    project_id: uuid.UUID | None = Field(default=None, foreign_key="project.id", index=True)
    dedup_key: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
    sent_at: datetime | None = None
    send_attempts: int = 0
