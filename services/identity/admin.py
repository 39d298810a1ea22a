"""Organisation administration: an organisation's admins manage its members and their roles, and
only its; a platform admin creates organisations and may manage any. Every change is audited."""

import uuid

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.audit.models import AuditEvent
from services.audit.service import record
from services.errors import Conflict, Forbidden, NotFound
from services.words import Term
from services.identity.models import Membership, MembershipState, User
from services.identity.permissions import Permission, Role
from services.identity.principal import Principal
from services.identity.schemas import MemberAdd, MemberPublic
from services.identity.service import get_by_username
from services.organisations.models import Organisation
from services.organisations.schemas import OrganisationCreate
from services.organisations.service import create_organisation, get_organisation


async def add_organisation(session: AsyncSession, principal: Principal, data: OrganisationCreate) -> Organisation:
    if not principal.is_platform_admin:
        raise Forbidden("error.org.create_admin_only")
    org = await create_organisation(session, data)
    await record(
        session, action="organisation.created", object_type="organisation", object_id=org.id,
        actor_id=principal.user_id, data={"code": org.code, "kind": org.kind},
    )
    return org


async def _administered(session: AsyncSession, principal: Principal, org_id: uuid.UUID) -> Organisation:
    org = await get_organisation(session, org_id)
    if not principal.is_platform_admin:
        principal.require(Permission.MEMBERS_MANAGE, org.id)
    return org


async def list_members(session: AsyncSession, principal: Principal, org_id: uuid.UUID) -> list[MemberPublic]:
    await _administered(session, principal, org_id)
    query = (
        select(Membership, User).join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org_id).order_by(User.username)
    )
    held: dict[uuid.UUID, tuple[User, list[Membership]]] = {}
    for membership, user in (await session.exec(query)).all():
        held.setdefault(user.id, (user, []))[1].append(membership)
    return [_public(user, memberships) for user, memberships in held.values()]


async def add_member(session: AsyncSession, principal: Principal, org_id: uuid.UUID, data: MemberAdd) -> MemberPublic:
    org = await _administered(session, principal, org_id)
    user = await get_by_username(session, data.username)
    if user is None:
        raise NotFound("error.account.none", field="username", username=data.username)
    held = await _find_membership(session, org.id, user.id, data.role)
    if held is None:
        await _grant(session, principal, org, user, data.role)
    elif held.from_claim:
        # An admin's grant outlives the groups claim that may have given the role first.
        held.from_claim = False
        session.add(held)
        await _audit(session, principal, "member.role_granted", org, user, data.role)
    return await _member(session, org.id, user)


async def _grant(session: AsyncSession, principal: Principal, org: Organisation, user: User, role: Role) -> None:
    """A person of another organisation (and of none here) is invited by an organisation's admin: the
    role grants nothing until they accept (services/identity/invitations.py). A person of no
    organisation yet, or already of this one, gets it at once; so does anyone a platform admin, who
    manages every organisation, grants it to (a new organisation's first admin)."""
    invited = not principal.is_platform_admin and await _belongs_elsewhere_only(session, user.id, org.id)
    membership = Membership(
        user_id=user.id, org_id=org.id, role=role.value,
        state=MembershipState.invited if invited else MembershipState.active,
        invited_by_id=principal.user_id if invited else None,
    )
    session.add(membership)
    await session.flush()
    await _audit(session, principal, "member.invited" if invited else "member.role_granted", org, user, role)


async def _belongs_elsewhere_only(session: AsyncSession, user_id: uuid.UUID, org_id: uuid.UUID) -> bool:
    query = select(Membership.org_id).where(Membership.user_id == user_id, Membership.state == MembershipState.active)
    orgs = set((await session.exec(query)).all())
    return bool(orgs) and org_id not in orgs


async def revoke_role(
    session: AsyncSession, principal: Principal, org_id: uuid.UUID, user_id: uuid.UUID, role: Role
) -> MemberPublic:
    org = await _administered(session, principal, org_id)
    membership = await _membership(session, org.id, user_id, role)
    active = membership.state == MembershipState.active
    if role == Role.admin and active and await _admin_count(session, org.id) == 1:
        raise Conflict("error.org.last_admin", field="role")
    await session.delete(membership)
    await session.flush()
    user = await session.get(User, user_id)
    await _audit(session, principal, "member.role_revoked", org, user, role)
    return await _member(session, org.id, user)


async def organisation_audit(session: AsyncSession, principal: Principal, org_id: uuid.UUID) -> list[AuditEvent]:
    """The organisation's administration trail, oldest first."""
    org = await _administered(session, principal, org_id)
    query = (
        select(AuditEvent)
        .where(AuditEvent.object_type == "organisation", AuditEvent.object_id == str(org.id))
        .order_by(col(AuditEvent.id))
    )
    return list((await session.exec(query)).all())


async def _find_membership(
    session: AsyncSession, org_id: uuid.UUID, user_id: uuid.UUID, role: Role
) -> Membership | None:
    query = select(Membership).where(
        Membership.org_id == org_id, Membership.user_id == user_id, Membership.role == role.value
    )
    return (await session.exec(query)).first()


async def _membership(session: AsyncSession, org_id: uuid.UUID, user_id: uuid.UUID, role: Role) -> Membership:
    membership = await _find_membership(session, org_id, user_id, role)
    if membership is None:
        raise NotFound("error.role.not_held", code=role.value, role=Term.of("role", role))
    return membership


async def _admin_count(session: AsyncSession, org_id: uuid.UUID) -> int:
    query = select(Membership.id).where(Membership.org_id == org_id, Membership.role == Role.admin.value,
                                        Membership.state == MembershipState.active)
    return len((await session.exec(query)).all())


async def _member(session: AsyncSession, org_id: uuid.UUID, user: User) -> MemberPublic:
    query = select(Membership).where(Membership.org_id == org_id, Membership.user_id == user.id)
    return _public(user, list((await session.exec(query)).all()))


def _public(user: User, memberships: list[Membership]) -> MemberPublic:
    active = [m for m in memberships if m.state == MembershipState.active]
    return MemberPublic(
        user_id=user.id, username=user.username, display_name=user.display_name,
        state=MembershipState.active if active or not memberships else MembershipState.invited,
        roles=sorted(m.role for m in active),
        roles_from_claim=sorted(m.role for m in active if m.from_claim),
        invited_roles=sorted(m.role for m in memberships if m.state == MembershipState.invited),
    )


async def _audit(
    session: AsyncSession, principal: Principal, action: str, org: Organisation, user: User, role: Role
) -> None:
    await record(
        session, action=action, object_type="organisation", object_id=org.id, actor_id=principal.user_id,
        data={"user_id": str(user.id), "username": user.username, "role": role.value},
    )
