"""Activities of the public consultation: open it, close it, conclude it. Each writes once, so a
retried activity changes nothing."""

import uuid
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from services.consultations import service as consultations
from services.db import transaction


class ConsultationOpening(BaseModel):
    consultation_id: uuid.UUID
    project_id: uuid.UUID
    draft_id: uuid.UUID
    opens_at: datetime
    closes_at: datetime


class ConsultationMoment(BaseModel):
    """A consultation and the workflow's time of the change: the workflow's clock is the one that counts."""

    consultation_id: uuid.UUID
    at: datetime


class ConsultationActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name="open_consultation")
    async def open_consultation(self, opening: ConsultationOpening) -> int:
        """Answers the version number of the draft under consultation."""
        async with transaction(self._sessions) as session:
            return await consultations.open_consultation(session, **opening.model_dump())

    @activity.defn(name="close_consultation")
    async def close_consultation(self, moment: ConsultationMoment) -> int:
        """Answers how many comments were made."""
        async with transaction(self._sessions) as session:
            return await consultations.close_consultation(session, moment.consultation_id, moment.at)

    @activity.defn(name="conclude_consultation")
    async def conclude_consultation(self, moment: ConsultationMoment) -> None:
        async with transaction(self._sessions) as session:
            await consultations.conclude_consultation(session, moment.consultation_id, moment.at)

    def all(self) -> list:
        return [self.open_consultation, self.close_consultation, self.conclude_consultation]
