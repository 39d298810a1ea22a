"""Activities of a committee ballot: open the ballot and write its result, through services/ballots."""

import uuid
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from services.ballots import service as ballots
from services.ballots.schemas import BallotOpening, BallotTally
from services.db import transaction


class OpenBallot(BaseModel):
    ballot_id: uuid.UUID
    workflow_id: str
    project_id: uuid.UUID
    committee_id: uuid.UUID
    purpose: str
    draft_id: uuid.UUID | None = None
    opened_at: datetime
    closes_at: datetime


class OpenedBallot(BaseModel):
    ballot_id: uuid.UUID
    voter_ids: list[uuid.UUID]


class CloseBallot(BaseModel):
    ballot_id: uuid.UUID
    closed_at: datetime
    eligible: int
    approve: int
    disapprove: int
    abstain: int
    recused: int
    participation: float
    approval: float
    disapproval: float
    passed: bool
    reason: str


class BallotActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name="open_ballot")
    async def open_ballot(self, request: OpenBallot) -> OpenedBallot:
        async with transaction(self._sessions) as session:
            voters = await ballots.open_ballot(session, BallotOpening(**request.model_dump()))
        return OpenedBallot(ballot_id=request.ballot_id, voter_ids=voters)

    @activity.defn(name="close_ballot")
    async def close_ballot(self, request: CloseBallot) -> None:
        tally = BallotTally(**request.model_dump(exclude={"ballot_id", "closed_at"}))
        async with transaction(self._sessions) as session:
            await ballots.close_ballot(session, request.ballot_id, request.closed_at, tally)
