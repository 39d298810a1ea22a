import uuid

from fastapi import APIRouter

from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from services.panels import service as panels
from services.panels.schemas import PanelPublic

router = APIRouter(prefix="/api/v1", tags=["panels"], responses=refusals(401, 404, 422))


@router.get("/panels/{panel_id}", response_model=PanelPublic)
async def get_panel(panel_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> PanelPublic:
    """An expert panel: its experts, the state of each seat and whether each has answered; once the
    panel has concluded, every opinion with its comments, the result and the tally.

    Visible to those who may read the project, and to the experts who sit on the panel."""
    return await panels.get_readable(session, principal, panel_id)


@router.get("/projects/{project_id}/panels", response_model=list[PanelPublic])
async def list_project_panels(project_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> list[PanelPublic]:
    """The expert panels a project has had, oldest first (a project that failed its demonstration
    and came back through drafting has more than one)."""
    return await panels.list_for_project(session, principal, project_id)
