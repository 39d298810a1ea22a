import uuid

from fastapi import APIRouter

from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from services.pilots import service as pilots
from services.pilots.schemas import PilotSiteDetail, PilotSitePublic

router = APIRouter(prefix="/api/v1", tags=["pilots"], responses=refusals(401, 404, 422))


@router.get("/projects/{project_id}/pilots", response_model=list[PilotSitePublic])
async def list_project_pilots(
    project_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> list[PilotSitePublic]:
    """The project's pilot sites you may see: all of them if you may read the project, otherwise
    those your organisations host."""
    return [await pilots.to_public(session, s) for s in await pilots.list_for_project(session, principal, project_id)]


@router.get("/pilots/{site_id}", response_model=PilotSiteDetail)
async def get_pilot(site_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> PilotSiteDetail:
    """One pilot site with its plan and every progress and final report."""
    return await pilots.to_detail(session, await pilots.get_readable(session, principal, site_id))
