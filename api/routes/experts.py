from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from services.identity import expertise
from services.identity.expertise import ExpertiseSet, ExpertPublic
from services.projects.domains import DOMAINS

router = APIRouter(prefix="/api/v1", tags=["experts"], responses=refusals(401, 422))


@router.put("/me/expertise", response_model=ExpertiseSet, responses=refusals(400, 403))
async def record_expertise(data: ExpertiseSet, session: SessionDep, principal: PrincipalDep) -> ExpertiseSet:
    """Record your fields of expertise, for holders of the expert role: up to 8 domain codes of the
    standards-system framework (GET /api/v1/domains). A secretary forming a panel sees them."""
    return ExpertiseSet(fields=await expertise.record_expertise(session, principal, data))


@router.get("/experts", response_model=list[ExpertPublic], responses=refusals(403))
async def list_experts(
    session: SessionDep, principal: PrincipalDep,
    domain: Annotated[str | None, Query(description="a domain code: experts with it among their fields come first",
                                        json_schema_extra={"enum": sorted(DOMAINS)})] = None,
) -> list[ExpertPublic]:
    """The holders of the expert role with their organisations and fields, for those who form expert
    panels (a committee's secretaries) and the platform admin."""
    return await expertise.list_experts(session, principal, domain)
