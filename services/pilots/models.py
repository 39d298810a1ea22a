import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.db import utcnow


class PilotSiteStatus(StrEnum):
    planning = "planning"  # enrolled, the plan is not in yet
    running = "running"  # plan in, progress reports due every interval
    completed = "completed"  # final report in
    lapsed = "lapsed"  # the pilot period ended without a plan or without a final report


class PilotReportKind(StrEnum):
    progress = "progress"
    final = "final"


class PilotSite(SQLModel, table=True):
    """An organisation (district or enterprise) trying a standard out; its own workflow runs it."""

    __tablename__ = "pilot_site"
    __table_args__ = (UniqueConstraint("project_id", "org_id", name="uq_pilot_site_project_org"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", index=True)
    org_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    workflow_id: str = Field(max_length=100)
    status: PilotSiteStatus = Field(default=PilotSiteStatus.planning, sa_type=String(16))
    plan: str = ""
    start_date: date | None = None
    ends_at: datetime | None = None
    missed_in_a_row: int = 0
    flagged: bool = False
    flagged_at: datetime | None = None
    enrolled_by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    enrolled_at: datetime = Field(default_factory=utcnow)
    completed_at: datetime | None = None


class PilotReport(SQLModel, table=True):
    """A progress or final report. Written once per task, so a retried activity adds nothing."""

    __tablename__ = "pilot_report"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    site_id: uuid.UUID = Field(foreign_key="pilot_site.id", index=True)
    task_id: uuid.UUID = Field(foreign_key="task.id", unique=True)
    kind: PilotReportKind = Field(sa_type=String(16))
    period: int = 0  # 1, 2, ... for progress reports; 0 for the final report
    text: str
    metrics: dict = Field(default_factory=dict, sa_type=JSON)
    submitted_by_id: uuid.UUID = Field(foreign_key="user_account.id")
    submitted_at: datetime = Field(default_factory=utcnow)
