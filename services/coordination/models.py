import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from services.db import utcnow


class CoordinationStatus(StrEnum):
    open = "open"  # with the receiving organisation's coordinators
    answered = "answered"  # the answer is in the sender's inbox
    acknowledged = "acknowledged"  # the sender has read the answer


class CoordinationEventKind(StrEnum):
    sent = "sent"
    forwarded = "forwarded"
    overdue = "overdue"
    answered = "answered"
    acknowledged = "acknowledged"


# The kinds that put a request in an organisation's hands, and so let its users read it.
ROUTING_KINDS = (CoordinationEventKind.sent, CoordinationEventKind.forwarded)


class CoordinationRequest(SQLModel, table=True):
    """A question one organisation puts to another, with a due date; its own workflow carries it."""

    __tablename__ = "coordination_request"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID | None = Field(default=None, foreign_key="project.id", index=True)
    from_org_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    sender_id: uuid.UUID = Field(foreign_key="user_account.id")
    to_org_id: uuid.UUID = Field(foreign_key="organisation.id")
    current_org_id: uuid.UUID = Field(foreign_key="organisation.id")
    subject: str = Field(max_length=300)
    body: str
    due_date: date
    due_at: datetime
    status: CoordinationStatus = Field(default=CoordinationStatus.open, sa_type=String(16))
    overdue: bool = False
    answer: str = ""
    answered_by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    answered_at: datetime | None = None
    acknowledged_at: datetime | None = None
    workflow_id: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


class CoordinationEvent(SQLModel, table=True):
    """One line of a request's history. Ids come from the workflow, so a retried step writes one line."""

    __tablename__ = "coordination_event"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    request_id: uuid.UUID = Field(foreign_key="coordination_request.id", index=True)
    kind: CoordinationEventKind = Field(sa_type=String(16))
    org_id: uuid.UUID | None = Field(default=None, foreign_key="organisation.id", index=True)
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    note: str = ""
    at: datetime = Field(default_factory=utcnow)
