import uuid
from datetime import date, datetime

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.db import utcnow
from services.projects.models import StandardType


class PublishingAuthority(SQLModel, table=True):
    """An organisation that publishes (or, for national and international standards, records) the
    standards of one type: an association its group standards, the market-regulation bureau local ones,
    an enterprise its own."""

    __tablename__ = "publishing_authority"
    __table_args__ = (UniqueConstraint("standard_type", "org_id", name="uq_publishing_authority"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    standard_type: StandardType = Field(sa_type=String(16), index=True)
    org_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class NumberSequence(SQLModel, table=True):
    """The last sequence number an organisation issued under one number format. Incremented in the
    transaction that publishes, so a number is never issued twice."""

    __tablename__ = "number_sequence"
    __table_args__ = (UniqueConstraint("number_format", "org_id", name="uq_number_sequence"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    number_format: str = Field(max_length=64)
    org_id: uuid.UUID = Field(foreign_key="organisation.id")
    last_seq: int = 0


class Publication(SQLModel, table=True):
    """How a standard was published: by whom, on which date, and whether its number was issued here
    (with its sequence) or outside (national and international numbers)."""

    __tablename__ = "publication"

    project_id: uuid.UUID = Field(foreign_key="project.id", primary_key=True)
    publisher_org_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    publication_date: date
    sequence: int | None = None
    issued_outside: bool = False
    approved_by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
