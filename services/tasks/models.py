import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, JSON, String
from sqlmodel import Field, SQLModel

from services.db import utcnow


class TaskState(StrEnum):
    open = "open"
    claimed = "claimed"
    completed = "completed"
    cancelled = "cancelled"
    expired = "expired"


ACTIVE_STATES = (TaskState.open, TaskState.claimed)


class Task(SQLModel, table=True):
    """A human step. Workflows open and close tasks; people claim and complete them."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_candidate_inbox", "candidate_org_id", "candidate_role", "state", "due_at"),
        Index("ix_task_assignee_inbox", "assignee_id", "state", "due_at"),
        Index("ix_task_committee_state", "committee_id", "state"),
        # whoever completed a task may still read its project (services/tasks/holders.py)
        Index("ix_task_completer", "completed_by_id", "project_id"),
    )

    id: uuid.UUID = Field(primary_key=True)
    kind: str = Field(max_length=48, index=True)
    project_id: uuid.UUID | None = Field(default=None, foreign_key="project.id", index=True)
    workflow_id: str = Field(max_length=100)
    committee_id: uuid.UUID | None = Field(default=None, foreign_key="committee.id")
    assignee_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    candidate_org_id: uuid.UUID | None = Field(default=None, foreign_key="organisation.id")
    candidate_role: str | None = Field(default=None, max_length=32)
    state: TaskState = Field(default=TaskState.open, sa_type=String(16))
    priority: int = 0
    due_at: datetime | None = None
    context: dict = Field(default_factory=dict, sa_type=JSON)
    decision: dict | None = Field(default=None, sa_type=JSON)
    outcome: dict | None = Field(default=None, sa_type=JSON)
    completed_by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    claimed_at: datetime | None = None
    completed_at: datetime | None = None


class AppliedStep(SQLModel, table=True):
    """A workflow step that has been written; a retried activity finds it here and writes nothing twice."""

    __tablename__ = "applied_step"

    id: str = Field(primary_key=True, max_length=64)
    workflow_id: str = Field(max_length=100)
    applied_at: datetime = Field(default_factory=utcnow)
