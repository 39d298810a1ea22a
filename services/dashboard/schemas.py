import uuid
from datetime import date, datetime

from pydantic import BaseModel

from services.dashboard.models import Measure
from services.projects.models import ProjectStatus, Stage


class CountRow(BaseModel):
    code: str
    label_zh: str
    label_en: str
    count: int


class DomainGroupCount(CountRow):
    domains: list[CountRow]


class TargetProgress(BaseModel):
    plan_code: str
    key: str
    label_zh: str
    label_en: str
    measure: Measure
    target: int
    deadline: date
    current: int
    percent: float
    met: bool
    by_domain: list[CountRow]  # the current count by domain group


class Dashboard(BaseModel):
    """Counts are of projects past the draft (drafts are private to their organisation)."""

    total: int
    by_stage: list[CountRow]
    by_type: list[CountRow]
    by_domain: list[DomainGroupCount]
    targets: list[TargetProgress]


class StagePeriod(BaseModel):
    stage: Stage
    label_zh: str
    label_en: str
    entered_at: datetime | None
    left_at: datetime | None
    current: bool


class TimelineEvent(BaseModel):
    at: datetime
    action: str
    actor_id: uuid.UUID | None
    data: dict


class Timeline(BaseModel):
    project_id: uuid.UUID
    stage: Stage
    status: ProjectStatus
    stages: list[StagePeriod]
    events: list[TimelineEvent]
