import uuid
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from services.db import utcnow


class IdempotentRequest(SQLModel, table=True):
    """A request that creates something and that its sender may send twice — a double click, a
    retry after an answer lost on the way: the first creates, a repeat under the same key is answered
    with what the first created."""

    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotent_request_user_key"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id")
    key: str = Field(max_length=200)
    action: str = Field(max_length=100)  # what the request did, e.g. "project.create"
    fingerprint: str = Field(max_length=64)  # SHA-256 of what it asked for
    resource_id: uuid.UUID  # what it created
    created_at: datetime = Field(default_factory=utcnow)
