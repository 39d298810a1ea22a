"""Activities of a coordination request's workflow: thin adapters over services/coordination.
Each line of the request's history carries an id from the workflow, so a retry writes it once."""

import uuid

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from services.coordination import service as coordination
from services.db import transaction


class HistoryLine(BaseModel):
    request_id: uuid.UUID
    event_id: uuid.UUID
    actor_id: uuid.UUID | None = None
    text: str = ""  # the answer, or the note that goes with a forward or an acknowledgement
    to_org_id: uuid.UUID | None = None  # where a forward sends the request


class CoordinationActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name="record_coordination_forward")
    async def record_forward(self, line: HistoryLine) -> None:
        async with transaction(self._sessions) as session:
            await coordination.record_forward(session, line.request_id, line.event_id, line.to_org_id,
                                              line.actor_id, line.text)

    @activity.defn(name="record_coordination_answer")
    async def record_answer(self, line: HistoryLine) -> None:
        async with transaction(self._sessions) as session:
            await coordination.record_answer(session, line.request_id, line.event_id, line.text, line.actor_id)

    @activity.defn(name="mark_coordination_overdue")
    async def mark_overdue(self, line: HistoryLine) -> None:
        async with transaction(self._sessions) as session:
            await coordination.mark_overdue(session, line.request_id, line.event_id)

    @activity.defn(name="record_coordination_acknowledged")
    async def record_acknowledged(self, line: HistoryLine) -> None:
        async with transaction(self._sessions) as session:
            await coordination.record_acknowledged(session, line.request_id, line.event_id, line.actor_id,
                                                   line.text)

    def all(self) -> list:
        return [self.record_forward, self.record_answer, self.mark_overdue, self.record_acknowledged]
