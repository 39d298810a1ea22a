import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.db import utcnow


class MemberState(StrEnum):
    seated = "seated"  # on the panel: owes an opinion, or has given one
    conflicted = "conflicted"  # declared a conflict of interest and left the panel
    overdue = "overdue"  # gave no opinion by the deadline and left the panel
    replaced = "replaced"  # left the panel (conflicted or overdue); the secretary seated someone else


class Opinion(StrEnum):
    pass_ = "pass"
    pass_with_revisions = "pass_with_revisions"
    fail = "fail"


class Panel(SQLModel, table=True):
    """An expert panel for one project's demonstration (technical review); a project that fails and
    returns to drafting gets a new panel next time."""

    __tablename__ = "panel"

    id: uuid.UUID = Field(primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", index=True)
    committee_id: uuid.UUID = Field(foreign_key="committee.id")
    workflow_id: str = Field(max_length=100)
    formed_at: datetime = Field(default_factory=utcnow)
    concluded_at: datetime | None = None
    result: str | None = Field(default=None, sa_type=String(24))
    tally: dict | None = Field(default=None, sa_type=JSON)


class PanelMember(SQLModel, table=True):
    """One expert's seat: the conflict-of-interest declaration and the opinion come with it."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("panel_id", "user_id", name="uq_panel_member"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    panel_id: uuid.UUID = Field(foreign_key="panel.id", index=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    org_id: uuid.UUID = Field(foreign_key="organisation.id")
    state: MemberState = Field(default=MemberState.seated, sa_type=String(16))
    conflict_details: str = ""
    opinion: Opinion | None = Field(default=None, sa_type=String(24))
    comments: str = ""
    seated_at: datetime = Field(default_factory=utcnow)
    answered_at: datetime | None = None
    replaced_by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
