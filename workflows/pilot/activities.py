"""Activities of a pilot site's workflow: thin adapters over services/pilots."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from services.db import transaction
from services.organisations.service import get_organisation
from services.pilots import service as pilots
from services.pilots.models import PilotReportKind


class SiteEnrolment(BaseModel):
    project_id: uuid.UUID
    org_id: uuid.UUID
    enrolled_by_id: uuid.UUID


class EnrolledSite(BaseModel):
    site_id: uuid.UUID
    org_id: uuid.UUID
    org_code: str


class PlanRecord(BaseModel):
    site_id: uuid.UUID
    plan: str
    start_date: date
    ends_at: datetime


class ReportRecord(BaseModel):
    site_id: uuid.UUID
    task_id: uuid.UUID
    kind: str  # "progress" | "final"
    period: int
    text: str
    metrics: dict[str, float]
    submitted_by_id: uuid.UUID


class MissedRecord(BaseModel):
    site_id: uuid.UUID
    missed_in_a_row: int
    flag: bool


class PilotActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name="enrol_pilot_site")
    async def enrol_pilot_site(self, enrolment: SiteEnrolment) -> EnrolledSite:
        async with transaction(self._sessions) as session:
            site = await pilots.enrol_site(session, enrolment.project_id, enrolment.org_id,
                                           activity.info().workflow_id, enrolment.enrolled_by_id)
            org = await get_organisation(session, enrolment.org_id)
            return EnrolledSite(site_id=site.id, org_id=org.id, org_code=org.code)

    @activity.defn(name="record_pilot_plan")
    async def record_pilot_plan(self, record: PlanRecord) -> None:
        async with transaction(self._sessions) as session:
            await pilots.record_plan(session, record.site_id, record.plan, record.start_date, record.ends_at)

    @activity.defn(name="record_pilot_report")
    async def record_pilot_report(self, record: ReportRecord) -> None:
        async with transaction(self._sessions) as session:
            await pilots.record_report(
                session, record.site_id, record.task_id, PilotReportKind(record.kind), record.period,
                record.text, record.metrics, record.submitted_by_id,
            )

    @activity.defn(name="record_pilot_missed")
    async def record_pilot_missed(self, record: MissedRecord) -> None:
        async with transaction(self._sessions) as session:
            await pilots.record_missed(session, record.site_id, record.missed_in_a_row, record.flag)

    @activity.defn(name="lapse_pilot_site")
    async def lapse_pilot_site(self, site_id: uuid.UUID) -> None:
        async with transaction(self._sessions) as session:
            await pilots.lapse_site(session, site_id)

    def all(self) -> list:
        return [self.enrol_pilot_site, self.record_pilot_plan, self.record_pilot_report, self.record_pilot_missed,
                self.lapse_pilot_site]
