import uuid

from fastapi import APIRouter

from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from services.ballots import service as ballots
from services.ballots.schemas import BallotPublic

router = APIRouter(prefix="/api/v1", tags=["ballots"], responses=refusals(401, 404, 422))


@router.get("/ballots/{ballot_id}", response_model=BallotPublic)
async def get_ballot(ballot_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> BallotPublic:
    """One committee ballot, if you may read its project.

    While it is open: when it closes, how many members were asked and how many have voted. Once
    closed: whether it passed, and the tally (eligible members, approvals, disapprovals, abstentions,
    recusals, and the ratios the rule compared). The committee's secretaries also get `votes`, each
    member's vote (or its absence).
    """
    return await ballots.describe(session, principal, ballot_id)


@router.get("/projects/{project_id}/ballots", response_model=list[BallotPublic])
async def project_ballots(project_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> list[BallotPublic]:
    """The project's committee ballots, oldest first, as `GET /api/v1/ballots/{id}` shows each."""
    return await ballots.list_for_project(session, principal, project_id)
