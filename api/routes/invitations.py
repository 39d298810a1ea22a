import uuid

from fastapi import APIRouter

from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from services.identity import invitations
from services.identity.schemas import InvitationPublic

router = APIRouter(prefix="/api/v1/me/invitations", tags=["administration"], responses=refusals(401))


@router.get("", response_model=list[InvitationPublic])
async def list_invitations(session: SessionDep, principal: PrincipalDep) -> list[InvitationPublic]:
    """Roles an organisation's admin offered you while you belong to another organisation: each grants
    nothing until you accept it. With who invited you, the organisation and the role."""
    return await invitations.list_invitations(session, principal)


@router.post("/{invitation_id}/accept", response_model=InvitationPublic, responses=refusals(404, 422))
async def accept_invitation(invitation_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> InvitationPublic:
    """Accept the role: you hold it in that organisation from now on."""
    return await invitations.accept(session, principal, invitation_id)


@router.post("/{invitation_id}/decline", response_model=InvitationPublic, responses=refusals(404, 422))
async def decline_invitation(
    invitation_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> InvitationPublic:
    """Decline the role: the invitation is removed."""
    return await invitations.decline(session, principal, invitation_id)
