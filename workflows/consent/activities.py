"""The activity of a co-drafter's consent workflow: a thin adapter over services/projects/co_drafters."""

import uuid

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from services.db import transaction
from services.projects import co_drafters


class ConsentDecision(BaseModel):
    link_id: uuid.UUID
    workflow_id: str
    accepted: bool
    actor_id: uuid.UUID
    comment: str = ""


class ConsentRecorded(BaseModel):
    """`applied` is false when the proposer dropped the invitation before the admin decided."""

    applied: bool
    org_id: uuid.UUID | None = None
    org_code: str = ""
    name_zh: str = ""
    name_en: str = ""


class InvitationRef(BaseModel):
    link_id: uuid.UUID
    workflow_id: str


class ConsentActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name="record_co_drafter_decision")
    async def record_decision(self, decision: ConsentDecision) -> ConsentRecorded:
        async with transaction(self._sessions) as session:
            written = await co_drafters.record_decision(
                session, decision.link_id, decision.workflow_id, decision.accepted, decision.actor_id,
                decision.comment,
            )
        return ConsentRecorded(applied=written.applied, org_id=written.org_id, org_code=written.org_code,
                               name_zh=written.name_zh, name_en=written.name_en)

    @activity.defn(name="co_drafter_still_invited")
    async def still_invited(self, ref: InvitationRef) -> bool:
        """Whether the project still names the organisation, invited by this workflow: a withdrawal that
        did not come from the proposer dropping it (one sent straight to Temporal) is refused."""
        async with transaction(self._sessions, read_only=True) as session:
            return await co_drafters.still_invited(session, ref.link_id, ref.workflow_id)

    def all(self) -> list:
        return [self.record_decision, self.still_invited]
