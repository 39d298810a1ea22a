"""Invitations into an organisation: a role an organisation's admin gave a person who belongs to
another organisation grants nothing until that person accepts it; declining removes it."""

import uuid

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.audit.service import record
from services.errors import NotFound
from services.identity.models import Membership, MembershipState, User
from services.identity.principal import Principal
from services.identity.schemas import InvitationPublic
from services.organisations.models import Organisation


async def list_invitations(session: AsyncSession, principal: Principal) -> list[InvitationPublic]:
    """The roles waiting for the principal's answer, oldest first."""
    query = (
        select(Membership, Organisation).join(Organisation, Organisation.id == Membership.org_id)
        .where(Membership.user_id == principal.user_id, Membership.state == MembershipState.invited)
        .order_by(col(Membership.created_at))
    )
    rows = (await session.exec(query)).all()
    inviters = {m.invited_by_id for m, _ in rows if m.invited_by_id}
    names = dict((await session.exec(select(User.id, User.display_name).where(col(User.id).in_(inviters)))).all()) \
        if inviters else {}
    return [_public(m, org, names.get(m.invited_by_id, "")) for m, org in rows]


async def accept(session: AsyncSession, principal: Principal, membership_id: uuid.UUID) -> InvitationPublic:
    """The role becomes the principal's from now on."""
    membership, org = await _invitation(session, principal, membership_id)
    membership.state = MembershipState.active
    session.add(membership)
    await session.flush()
    await _audit(session, principal, "member.invitation_accepted", membership)
    inviter = await session.get(User, membership.invited_by_id) if membership.invited_by_id else None
    return _public(membership, org, inviter.display_name if inviter else "")


async def decline(session: AsyncSession, principal: Principal, membership_id: uuid.UUID) -> InvitationPublic:
    """The invitation is removed; the organisation's admins see the person no more."""
    membership, org = await _invitation(session, principal, membership_id)
    inviter = await session.get(User, membership.invited_by_id) if membership.invited_by_id else None
    answer = _public(membership, org, inviter.display_name if inviter else "")
    await _audit(session, principal, "member.invitation_declined", membership)
    await session.delete(membership)
    await session.flush()
    return answer


async def _invitation(
    session: AsyncSession, principal: Principal, membership_id: uuid.UUID
) -> tuple[Membership, Organisation]:
    """Only the invited person finds their invitation (anyone else, or an answered one: 404)."""
    membership = await session.get(Membership, membership_id)
    if (membership is None or membership.user_id != principal.user_id
            or membership.state != MembershipState.invited):
        raise NotFound("error.invitation.not_found")
    return membership, await session.get(Organisation, membership.org_id)


def _public(membership: Membership, org: Organisation, invited_by: str) -> InvitationPublic:
    return InvitationPublic(
        id=membership.id, org_id=org.id, org_code=org.code, org_name_zh=org.name_zh, org_name_en=org.name_en,
        role=membership.role, invited_by_id=membership.invited_by_id, invited_by=invited_by,
        invited_at=membership.created_at,
    )


async def _audit(session: AsyncSession, principal: Principal, action: str, membership: Membership) -> None:
    await record(
        session, action=action, object_type="organisation", object_id=membership.org_id,
        actor_id=principal.user_id,
        data={"user_id": str(principal.user_id), "username": principal.username, "role": membership.role},
    )
