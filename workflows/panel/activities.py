"""Activities of the expert panel: thin adapters over services/panels, one transaction each.
Every one can run twice without writing twice."""

import uuid

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from services.db import transaction
from services.panels import service as panels
from services.panels.models import MemberState


class PanelFormation(BaseModel):
    panel_id: uuid.UUID
    project_id: uuid.UUID
    committee_id: uuid.UUID
    workflow_id: str
    expert_ids: list[uuid.UUID]
    formed_by: uuid.UUID | None = None


class Departure(BaseModel):
    panel_id: uuid.UUID
    expert_id: uuid.UUID
    state: str  # "conflicted" or "overdue"
    details: str = ""


class OpinionRecord(BaseModel):
    panel_id: uuid.UUID
    expert_id: uuid.UUID
    opinion: str
    comments: str


class Replacement(BaseModel):
    panel_id: uuid.UUID
    leaving_id: uuid.UUID
    joining_id: uuid.UUID


class Conclusion(BaseModel):
    panel_id: uuid.UUID
    result: str
    tally: dict


class PanelActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name="panel_form")
    async def form(self, formation: PanelFormation) -> None:
        async with transaction(self._sessions) as session:
            await panels.form_panel(session, **formation.model_dump())

    @activity.defn(name="panel_record_departure")
    async def record_departure(self, departure: Departure) -> None:
        async with transaction(self._sessions) as session:
            await panels.record_departure(
                session, departure.panel_id, departure.expert_id, MemberState(departure.state), departure.details
            )

    @activity.defn(name="panel_record_opinion")
    async def record_opinion(self, record: OpinionRecord) -> None:
        async with transaction(self._sessions) as session:
            await panels.record_opinion(session, record.panel_id, record.expert_id, record.opinion, record.comments)

    @activity.defn(name="panel_replace")
    async def replace(self, replacement: Replacement) -> None:
        async with transaction(self._sessions) as session:
            await panels.replace(session, replacement.panel_id, replacement.leaving_id, replacement.joining_id)

    @activity.defn(name="panel_conclude")
    async def conclude(self, conclusion: Conclusion) -> None:
        async with transaction(self._sessions) as session:
            await panels.conclude(session, conclusion.panel_id, conclusion.result, conclusion.tally)

    def all(self) -> list:
        return [self.form, self.record_departure, self.record_opinion, self.replace, self.conclude]
