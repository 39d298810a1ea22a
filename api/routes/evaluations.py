import uuid

from fastapi import APIRouter

from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from services.evaluations import service as evaluations
from services.evaluations.schemas import EvaluationPublic

router = APIRouter(prefix="/api/v1/projects", tags=["evaluations"], responses=refusals(401, 404, 422))


@router.get("/{project_id}/evaluations", response_model=list[EvaluationPublic])
async def project_evaluations(
    project_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> list[EvaluationPublic]:
    """The evaluations of a standard's implementation (scores, decision, summary), oldest first, if you
    may see the project."""
    return await evaluations.list_for_project(session, principal, project_id)
