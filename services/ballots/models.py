import uuid
from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from services.db import utcnow


class Ballot(SQLModel, table=True):
    """A committee ballot on a project: opened by a workflow, decided by its members' votes.

    The votes themselves are the completed `ballot_vote` tasks of the ballot's workflow; this row
    holds when it runs and, once closed, its result and tally.
    """

    __tablename__ = "ballot"

    id: uuid.UUID = Field(primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", index=True)
    committee_id: uuid.UUID = Field(foreign_key="committee.id")
    workflow_id: str = Field(max_length=100)
    purpose: str = Field(max_length=48)
    # The draft version the ballot was opened on; drafts live in another domain, hence no foreign key.
    draft_id: uuid.UUID | None = None
    opened_at: datetime = Field(default_factory=utcnow)
    closes_at: datetime
    closed_at: datetime | None = None
    passed: bool | None = None
    tally: dict | None = Field(default=None, sa_type=JSON)
