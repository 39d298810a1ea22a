import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from services.coordination.models import CoordinationEventKind, CoordinationStatus
from services.inputs import ClientInput


class CoordinationRequestCreate(ClientInput):
    """What a coordinator sends. `from_org_id` names the sending organisation when the sender
    coordinates for several."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    to_org_id: uuid.UUID
    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=20_000)
    due_date: date
    project_id: uuid.UUID | None = None
    from_org_id: uuid.UUID | None = None


class CoordinationRequestPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    project_id: uuid.UUID | None
    from_org_id: uuid.UUID
    sender_id: uuid.UUID
    to_org_id: uuid.UUID
    current_org_id: uuid.UUID
    subject: str
    body: str
    due_date: date
    due_at: datetime
    status: CoordinationStatus
    overdue: bool
    answer: str
    answered_by_id: uuid.UUID | None
    answered_at: datetime | None
    acknowledged_at: datetime | None
    created_at: datetime


class CoordinationEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: CoordinationEventKind
    org_id: uuid.UUID | None
    actor_id: uuid.UUID | None
    note: str
    at: datetime


class CoordinationRequestDetail(CoordinationRequestPublic):
    history: list[CoordinationEventPublic]
