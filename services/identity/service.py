import uuid

from sqlalchemy import and_
from sqlalchemy import select as sa_select
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.errors import Conflict, Invalid, NotFound, Unauthorized
from services.identity.models import Membership, MembershipState, User
from services.identity.passwords import hash_password
from services.identity.permissions import Role
from services.identity.principal import OrgMembership, Principal
from services.identity.schemas import MembershipPublic, Me, UserCreate
from services.organisations.models import Organisation


async def create_user(session: AsyncSession, data: UserCreate, *, platform_admin: bool = False) -> User:
    if await get_by_username(session, data.username):
        raise Conflict("error.username_taken", field="username", username=data.username)
    user = User(
        username=data.username,
        display_name=data.display_name,
        email=data.email,
        password_hash=hash_password(data.password),
        is_platform_admin=platform_admin,
    )
    session.add(user)
    await session.flush()
    return user


async def get_by_username(session: AsyncSession, username: str) -> User | None:
    return (await session.exec(select(User).where(User.username == username))).first()


async def grant_role(session: AsyncSession, user_id: uuid.UUID, org_id: uuid.UUID, role: Role) -> Membership:
    existing = (
        await session.exec(
            select(Membership).where(
                Membership.user_id == user_id, Membership.org_id == org_id, Membership.role == role
            )
        )
    ).first()
    if existing:
        return existing
    membership = Membership(user_id=user_id, org_id=org_id, role=role.value)
    session.add(membership)
    await session.flush()
    return membership


async def load_principal(session: AsyncSession, user_id: uuid.UUID) -> Principal:
    """One query, as every request asks it: the user with each active membership and its
    organisation, read as plain rows (SQLAlchemy Core: no entities, nothing kept in the session)."""
    users, members, orgs = User.__table__, Membership.__table__, Organisation.__table__
    joined = users.outerjoin(
        members, and_(members.c.user_id == users.c.id, members.c.state == MembershipState.active)
    ).outerjoin(orgs, orgs.c.id == members.c.org_id)
    query = (
        sa_select(users.c.username, users.c.display_name, users.c.is_platform_admin, users.c.is_active,
                  members.c.role, orgs.c.id.label("org_id"), orgs.c.code, orgs.c.kind)
        .select_from(joined)
        .where(users.c.id == user_id)
    )
    rows = (await session.exec(query)).all()
    if not rows or not rows[0].is_active:
        raise Unauthorized("error.account.disabled")
    by_org: dict[uuid.UUID, tuple[str, str, set[str]]] = {}
    for row in rows:
        if row.role is not None:
            by_org.setdefault(row.org_id, (row.code, row.kind, set()))[2].add(row.role)
    memberships = tuple(
        OrgMembership(org_id=org_id, org_code=code, org_kind=kind, roles=frozenset(roles))
        for org_id, (code, kind, roles) in sorted(by_org.items(), key=lambda item: item[1][0])
    )
    user = rows[0]
    return Principal(
        user_id=user_id,
        username=user.username,
        display_name=user.display_name,
        is_platform_admin=user.is_platform_admin,
        memberships=memberships,
    )


async def describe(session: AsyncSession, principal: Principal) -> Me:
    user = await session.get(User, principal.user_id)
    if user is None:
        raise NotFound("error.user.not_found")
    return Me(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        is_platform_admin=user.is_platform_admin,
        memberships=[
            MembershipPublic(
                org_id=m.org_id,
                org_code=m.org_code,
                org_kind=m.org_kind,
                roles=sorted(m.roles),
                permissions=sorted(p.value for p in m.permissions),
            )
            for m in principal.memberships
        ],
    )


async def users_with_role(session: AsyncSession, org_id: uuid.UUID, role: Role) -> list[uuid.UUID]:
    query = select(Membership.user_id).where(Membership.org_id == org_id, Membership.role == role, Membership.state == MembershipState.active)
    return list((await session.exec(query)).all())


LANGUAGES = ("zh", "en")


async def choose_language(session: AsyncSession, principal: Principal, language: str) -> User:
    """Keeps the language a person reads the pages, notices and mails in."""
    if language not in LANGUAGES:
        raise Invalid("error.language", field="language")
    user = await session.get(User, principal.user_id)
    user.language = language
    session.add(user)
    await session.flush()
    return user


async def display_names(session: AsyncSession, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The people's names as the pages show them, for ids a page holds (a sender, an expert, an actor)."""
    if not user_ids:
        return {}
    query = select(User.id, User.display_name).where(User.id.in_(list(user_ids)))
    return dict((await session.exec(query)).all())
