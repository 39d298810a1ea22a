"""Committee ballots: opened and closed by their workflow, read by whoever may read the project."""

import uuid

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from contracts.ballots import BallotClosing, BallotOpening
from contracts.choices import VOTE_KIND
from contracts.tallies import BallotTally
from services.audit import service as audit
from services.ballots.models import Ballot
from services.ballots.schemas import BallotPublic, BallotState, VotePublic
from services.committees.service import committees_where_secretary, members
from services.errors import NotFound
from services.identity.models import User
from services.identity.principal import Principal
from services.projects import service as projects
from services.projects.models import StandardProject
from services.tasks.models import Task, TaskState


def readable(principal: Principal) -> SelectOfScalar[Ballot]:
    """Ballots of the projects the principal may read, and no others."""
    visible_projects = projects.readable(principal).with_only_columns(col(StandardProject.id))
    return select(Ballot).where(col(Ballot.project_id).in_(visible_projects))


async def get_readable(session: AsyncSession, principal: Principal, ballot_id: uuid.UUID) -> Ballot:
    ballot = (await session.exec(readable(principal).where(Ballot.id == ballot_id))).first()
    if ballot is None:
        raise NotFound("error.ballot.not_found")
    return ballot


async def describe(session: AsyncSession, principal: Principal, ballot_id: uuid.UUID) -> BallotPublic:
    return await to_public(session, principal, await get_readable(session, principal, ballot_id))


async def list_for_project(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> list[BallotPublic]:
    """The project's ballots, oldest first; 404 when the project is not readable."""
    await projects.get_readable(session, principal, project_id)
    query = readable(principal).where(Ballot.project_id == project_id).order_by(col(Ballot.opened_at))
    return [await to_public(session, principal, b) for b in (await session.exec(query)).all()]


async def open_ballot(session: AsyncSession, opening: BallotOpening) -> list[uuid.UUID]:
    """Create the ballot (once) and return its voters: the committee's voting members."""
    voters = sorted((m.user_id for m in await members(session, opening.committee_id) if m.voting), key=str)
    if await session.get(Ballot, opening.ballot_id) is not None:
        return voters
    ballot = Ballot(id=opening.ballot_id, **opening.model_dump(exclude={"ballot_id"}))
    session.add(ballot)
    await session.flush()
    await audit.record(
        session, action="ballot.opened", object_type="ballot", object_id=ballot.id, actor_label="workflow",
        project_id=ballot.project_id,
        data={"purpose": ballot.purpose, "draft_id": ballot.draft_id, "closes_at": ballot.closes_at,
              "voters": len(voters)},
    )
    return voters


async def close_ballot(session: AsyncSession, closing: BallotClosing) -> Ballot:
    """Write the result (once) and put the tally on the audit trail."""
    ballot = await session.get(Ballot, closing.ballot_id)
    if ballot is None:
        raise NotFound("error.ballot.not_found")
    if ballot.closed_at is not None:
        return ballot
    ballot.closed_at, ballot.passed, ballot.tally = closing.closed_at, closing.passed, closing.tally()
    session.add(ballot)
    await session.flush()
    await audit.record(
        session, action="ballot.closed", object_type="ballot", object_id=ballot.id, actor_label="workflow",
        project_id=ballot.project_id, data=closing.tally(),
    )
    return ballot


async def to_public(session: AsyncSession, principal: Principal, ballot: Ballot) -> BallotPublic:
    votes = await _votes(session, ballot)
    secretary = ballot.committee_id in await committees_where_secretary(session, principal.user_id)
    return BallotPublic(
        id=ballot.id, project_id=ballot.project_id, committee_id=ballot.committee_id, purpose=ballot.purpose,
        draft_id=ballot.draft_id, state=BallotState.closed if ballot.closed_at else BallotState.open,
        opened_at=ballot.opened_at, closes_at=ballot.closes_at, closed_at=ballot.closed_at,
        voters=len(votes), voted=sum(v.decision not in (None, "recuse") for v in votes),
        passed=ballot.passed, tally=BallotTally.model_validate(ballot.tally) if ballot.tally else None,
        votes=votes if secretary else None,
    )


async def _votes(session: AsyncSession, ballot: Ballot) -> list[VotePublic]:
    query = (
        select(Task, User.display_name)
        .join(User, col(User.id) == col(Task.assignee_id))
        .where(Task.project_id == ballot.project_id, Task.workflow_id == ballot.workflow_id, Task.kind == VOTE_KIND)
        .order_by(col(User.display_name), col(Task.id))
    )
    return [_vote(task, name) for task, name in (await session.exec(query)).all()]


def _vote(task: Task, display_name: str) -> VotePublic:
    decision = task.decision if task.state == TaskState.completed else None
    return VotePublic(
        member_id=task.assignee_id, display_name=display_name, task_id=task.id, state=task.state,
        decision=decision["decision"] if decision else None, comment=decision.get("comment", "") if decision else "",
        decided_at=task.completed_at,
    )


async def recusals(session: AsyncSession, ballot_id: uuid.UUID) -> list[VotePublic]:
    """The members who recused themselves from the ballot, with the reason each gave: every reader of
    the ballot sees who left the eligible members and why, though not how the others voted."""
    ballot = await session.get(Ballot, ballot_id)
    if ballot is None:
        raise NotFound("error.ballot.not_found")
    return [vote for vote in await _votes(session, ballot) if vote.decision == "recuse"]


async def closed_votes(session: AsyncSession, ballot_id: uuid.UUID) -> list[VotePublic]:
    """Every member's vote once the ballot has closed, for every reader of its project: a committee's
    ballot is an open record then. While it is open nobody but the secretaries sees how anyone voted."""
    ballot = await session.get(Ballot, ballot_id)
    if ballot is None or ballot.closed_at is None:
        return []
    return await _votes(session, ballot)
