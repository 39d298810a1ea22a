"""Activities of a committee ballot: open the ballot and write its result, through services/ballots."""

import uuid

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from contracts.ballots import BallotClosing, BallotOpening
from services.ballots import service as ballots
from services.db import transaction


class OpenedBallot(BaseModel):
    ballot_id: uuid.UUID
    voter_ids: list[uuid.UUID]


class BallotActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name="open_ballot")
    async def open_ballot(self, opening: BallotOpening) -> OpenedBallot:
        async with transaction(self._sessions) as session:
            voters = await ballots.open_ballot(session, opening)
        return OpenedBallot(ballot_id=opening.ballot_id, voter_ids=voters)

    @activity.defn(name="close_ballot")
    async def close_ballot(self, closing: BallotClosing) -> None:
        async with transaction(self._sessions) as session:
            await ballots.close_ballot(session, closing)
