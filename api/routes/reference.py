from fastapi import APIRouter

from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from services.committees import service as committees
from services.committees.schemas import CommitteePublic
from services.organisations import service as organisations
from services.organisations.schemas import OrganisationPublic
from services.projects.domains import FRAMEWORK

router = APIRouter(prefix="/api/v1", tags=["reference"], responses=refusals(401))


@router.get("/domains")
async def list_domains(_: PrincipalDep) -> list[dict]:
    """The standards-system framework: domain groups and the domain codes a project is classified by."""
    return [
        {"code": g.code, "name_zh": g.name_zh, "name_en": g.name_en,
         "domains": [{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en} for d in g.domains]}
        for g in FRAMEWORK
    ]


@router.get("/organisations", response_model=list[OrganisationPublic])
async def list_organisations(session: SessionDep, _: PrincipalDep) -> list[OrganisationPublic]:
    """Every organisation taking part."""
    return [OrganisationPublic.model_validate(o) for o in await organisations.list_organisations(session)]


@router.get("/committees", response_model=list[CommitteePublic])
async def list_committees(session: SessionDep, _: PrincipalDep) -> list[CommitteePublic]:
    """Every technical committee, to name as a proposal's target."""
    return [CommitteePublic.model_validate(c) for c in await committees.list_committees(session)]
