from fastapi import APIRouter

from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from services.dashboard import service as dashboard
from services.dashboard.schemas import Dashboard

router = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"], responses=refusals(401))


@router.get("", response_model=Dashboard)
async def get_dashboard(session: SessionDep, _: PrincipalDep) -> Dashboard:
    """Projects by stage, by standard type and by domain, and progress against each plan target
    (e.g. more than 100 new local and group standards by the end of 2023).

    Counts every project past the draft, including those you may not open; drafts are not counted.
    """
    return await dashboard.dashboard(session)
