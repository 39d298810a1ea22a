import uuid
from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from services.db import utcnow


class AuditEvent(SQLModel, table=True):
    """Append-only. Each row carries the hash of the one before, so an edit breaks the chain."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    actor_label: str = Field(max_length=64, default="user")
    action: str = Field(max_length=64)
    object_type: str = Field(max_length=32)
    object_id: str = Field(max_length=64)
    project_id: uuid.UUID | None = Field(default=None, index=True)
    data: dict = Field(default_factory=dict, sa_type=JSON)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
