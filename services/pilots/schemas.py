import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from services.pilots.models import PilotReportKind, PilotSiteStatus


class PilotReportPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: PilotReportKind
    period: int
    text: str
    metrics: dict[str, float]
    submitted_by_id: uuid.UUID
    submitted_at: datetime


class PilotSitePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    project_id: uuid.UUID
    org_id: uuid.UUID
    org_code: str = ""
    org_name_zh: str = ""
    org_name_en: str = ""
    status: PilotSiteStatus
    plan: str
    start_date: date | None
    ends_at: datetime | None
    missed_in_a_row: int
    flagged: bool
    flagged_at: datetime | None
    enrolled_at: datetime
    completed_at: datetime | None


class PilotSiteDetail(PilotSitePublic):
    reports: list[PilotReportPublic]
