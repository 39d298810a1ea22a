import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.db import utcnow


class CommitteeSeat(StrEnum):
    secretary = "secretary"
    member = "member"
    observer = "observer"


class Committee(SQLModel, table=True):
    """A technical committee, hosted by an organisation (an association or a municipal TC)."""

    __tablename__ = "committee"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    code: str = Field(max_length=32, unique=True)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class CommitteeMember(SQLModel, table=True):
    __tablename__ = "committee_member"
    __table_args__ = (UniqueConstraint("committee_id", "user_id", name="uq_committee_member"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    committee_id: uuid.UUID = Field(foreign_key="committee.id", index=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    seat: CommitteeSeat = Field(sa_type=String(16))
    voting: bool = True
    created_at: datetime = Field(default_factory=utcnow)
