import uuid

from fastapi import APIRouter, status

from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from services.audit.schemas import AuditEventPublic
from services.identity import admin
from services.identity.permissions import Role
from services.identity.schemas import MemberAdd, MemberPublic
from services.organisations.schemas import OrganisationCreate, OrganisationPublic

router = APIRouter(prefix="/api/v1/admin", tags=["administration"], responses=refusals(401, 403, 404, 422))


@router.post("/organisations", response_model=OrganisationPublic, status_code=status.HTTP_201_CREATED,
             responses=refusals(400, 409, 413))
async def create_organisation(
    data: OrganisationCreate, session: SessionDep, principal: PrincipalDep
) -> OrganisationPublic:
    """Create an organisation (platform admins only). Grant its first admin with the members endpoint."""
    return OrganisationPublic.model_validate(await admin.add_organisation(session, principal, data))


@router.get("/organisations/{org_id}/members", response_model=list[MemberPublic])
async def list_members(org_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> list[MemberPublic]:
    """The organisation's members and their roles, for its admins (and platform admins)."""
    return await admin.list_members(session, principal, org_id)


@router.post("/organisations/{org_id}/members", response_model=MemberPublic, responses=refusals(400, 413))
async def grant_role(org_id: uuid.UUID, data: MemberAdd, session: SessionDep, principal: PrincipalDep) -> MemberPublic:
    """Grant a person (by username) a role in your organisation; they become a member if they were not.

    Granting a role the person already holds changes nothing."""
    return await admin.add_member(session, principal, org_id, data)


@router.delete("/organisations/{org_id}/members/{user_id}/roles/{role}", response_model=MemberPublic,
               responses=refusals(409))
async def revoke_role(
    org_id: uuid.UUID, user_id: uuid.UUID, role: Role, session: SessionDep, principal: PrincipalDep
) -> MemberPublic:
    """Take a role back. The organisation's last admin keeps the admin role (409)."""
    return await admin.revoke_role(session, principal, org_id, user_id, role)


@router.get("/organisations/{org_id}/audit", response_model=list[AuditEventPublic])
async def organisation_audit(org_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> list[AuditEventPublic]:
    """Who changed which roles in the organisation, and when, oldest first."""
    return [AuditEventPublic.model_validate(e) for e in await admin.organisation_audit(session, principal, org_id)]
