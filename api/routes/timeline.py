import uuid

from fastapi import APIRouter

from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from services.dashboard.schemas import Timeline
from services.dashboard.timeline import project_timeline

router = APIRouter(prefix="/api/v1/projects", tags=["projects"], responses=refusals(401, 404, 422))


@router.get("/{project_id}/timeline", response_model=Timeline)
async def get_timeline(project_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> Timeline:
    """The stages the project has been through, with the dates it entered and left each (the last
    is the one it is in now), and its key events: submitted, returned, accepted, ballot closed,
    published…, each with who acted (`actor`: the person, and the role and organisation they acted
    in); `returns` counts each way back to an earlier stage, and `ended` says where a rejected or
    withdrawn project stopped. Read from the project's audit trail; 404 if you may not see the project."""
    return await project_timeline(session, principal, project_id)
