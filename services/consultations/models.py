import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.db import utcnow


class ConsultationStatus(StrEnum):
    open = "open"  # taking comments
    closed = "closed"  # the working group gives each comment its disposition
    concluded = "concluded"  # every comment has its disposition; the table is final


class Disposition(StrEnum):
    accepted = "accepted"
    partially_accepted = "partially_accepted"
    not_accepted = "not_accepted"


DISPOSITION_ZH = {
    Disposition.accepted: "采纳",
    Disposition.partially_accepted: "部分采纳",
    Disposition.not_accepted: "不采纳",
}


class Consultation(SQLModel, table=True):
    """One public consultation (征求意见) on a project's consultation draft. The project's workflow opens,
    closes and concludes it; its id comes from the workflow, so a retried activity finds it."""

    __tablename__ = "consultation"

    id: uuid.UUID = Field(primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", index=True)
    draft_id: uuid.UUID = Field(foreign_key="draft_version.id")
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None = None
    concluded_at: datetime | None = None

    @property
    def status(self) -> ConsultationStatus:
        if self.concluded_at is not None:
            return ConsultationStatus.concluded
        return ConsultationStatus.open if self.closed_at is None else ConsultationStatus.closed


class ConsultationComment(SQLModel, table=True):
    """A stakeholder's comment on a clause of the consultation draft, and the working group's disposition of it."""

    __tablename__ = "consultation_comment"
    __table_args__ = (UniqueConstraint("consultation_id", "number", name="uq_consultation_comment_number"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    consultation_id: uuid.UUID = Field(foreign_key="consultation.id", index=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", index=True)
    number: int
    clause: str = Field(max_length=64)
    comment: str = Field(sa_type=Text)
    proposed_change: str = Field(default="", sa_type=Text)
    org_id: uuid.UUID = Field(foreign_key="organisation.id")
    author_id: uuid.UUID = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    disposition: Disposition | None = Field(default=None, sa_type=String(24))
    reason: str = Field(default="", sa_type=Text)
    disposed_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    disposed_at: datetime | None = None
