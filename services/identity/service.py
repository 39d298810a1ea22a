import uuid

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
    """One query, as every request asks it: the user with each membership and its organisation."""
    rows = (
        await session.exec(
            select(User, Membership, Organisation)
            .outerjoin(Membership, (Membership.user_id == User.id) & (Membership.state == MembershipState.active))
            .outerjoin(Organisation, Organisation.id == Membership.org_id)
            .where(User.id == user_id)
        )
    ).all()
    user = rows[0][0] if rows else None
    if user is None or not user.is_active:
        raise Unauthorized("error.account.disabled")
    by_org: dict[uuid.UUID, tuple[Organisation, set[str]]] = {}
    for _, membership, org in rows:
        if membership is not None:
            by_org.setdefault(org.id, (org, set()))[1].add(membership.role)
    memberships = tuple(
        OrgMembership(org_id=org.id, org_code=org.code, org_kind=org.kind, roles=frozenset(roles))
        for org, roles in sorted(by_org.values(), key=lambda item: item[0].code)
    )
    return Principal(
        user_id=user.id,
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
