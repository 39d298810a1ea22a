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


class Actor(BaseModel):
    """Who acted, and in which role of which organisation: the task they completed, or the
    membership that let them do what they did outside a task (write a proposal, upload a draft)."""

    user_id: uuid.UUID
    display_name: str
    role: str | None
    org_id: uuid.UUID | None
    org_code: str = ""
    org_name_zh: str = ""
    org_name_en: str = ""


class TimelineEvent(BaseModel):
    at: datetime
    action: str
    actor_id: uuid.UUID | None
    data: dict
    actor: Actor | None = None


class RecordEvent(TimelineEvent):
    """One entry of the project's audit trail, with what it concerns (a ballot, a panel, a draft…)."""

    id: int
    object_type: str
    object_id: str


class StageReturn(BaseModel):
    """The project went back from one stage to an earlier one, `count` times."""

    from_stage: Stage
    to_stage: Stage
    count: int


class TimelineEnd(BaseModel):
    """The project ended before the pipeline's end: rejected or withdrawn, in `stage`, at `at`."""

    status: ProjectStatus
    stage: Stage
    at: datetime | None


class Timeline(BaseModel):
    project_id: uuid.UUID
    stage: Stage
    status: ProjectStatus
    stages: list[StagePeriod]
    events: list[TimelineEvent]
    returns: list[StageReturn] = []
    ended: TimelineEnd | None = None


class ProjectRecord(BaseModel):
    """The whole audit trail of a project, each event with who acted, and its timeline."""

    timeline: Timeline
    events: list[RecordEvent]
