"""People who sign in at an OpenID Connect provider: one user per (issuer, subject), made on first
sign-in. Their roles are granted here by organisation admins, and, when a groups claim is configured,
also taken from it: a value "ORGCODE:role" that the deployment allows the provider to grant holds that
role for as long as the provider says so. A token without the claim says nothing about roles; a claim
that is an empty list says the person holds none."""

import hashlib
import re
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.audit.service import record
from services.identity.models import Membership, User
from services.identity.permissions import Role
from services.organisations.models import Organisation

PROVIDER_ACTOR = "identity provider"
_NOT_IN_USERNAME = re.compile(r"[^A-Za-z0-9_.@-]+")


@dataclass(frozen=True)
class ExternalIdentity:
    issuer: str
    subject: str
    username: str | None = None
    display_name: str | None = None
    email: str | None = None
    # The claim's values the provider may grant; None: no claim configured, or none in this token, so
    # the roles stay as they are.
    groups: tuple[str, ...] | None = None


def identity_from_claims(
    issuer: str, claims: dict, groups_claim: str = "", groups_allowed: tuple[str, ...] = ()
) -> ExternalIdentity:
    """What a token's (or the userinfo endpoint's) claims say about the person. Of the groups claim,
    only the values `groups_allowed` lets the provider grant are kept."""
    groups = None
    value = claims.get(groups_claim) if groups_claim else None
    if value is not None:
        values = [str(g) for g in value] if isinstance(value, list) else [str(value)]
        groups = tuple(g for g in values if claim_allowed(g, groups_allowed))
    return ExternalIdentity(
        issuer=issuer,
        subject=str(claims["sub"]),
        username=claims.get("preferred_username") or claims.get("email"),
        display_name=claims.get("name"),
        email=claims.get("email"),
        groups=groups,
    )


def claim_allowed(value: str, allowed: tuple[str, ...]) -> bool:
    """Whether "ORGCODE:role" matches an allowed "ORGCODE:role", where "*" stands for any organisation
    or any role but admin: a provider grants admin only where a deployment names it."""
    code, sep, role = value.partition(":")
    if not sep:
        return False
    for pattern in allowed:
        allowed_code, _, allowed_role = pattern.partition(":")
        any_role = allowed_role == "*" and role != Role.admin
        if allowed_code in ("*", code) and (allowed_role == role or any_role):
            return True
    return False


async def external_user(session: AsyncSession, identity: ExternalIdentity) -> User:
    """The user for this provider account, created the first time; roles follow the groups claim."""
    user = await _find(session, identity)
    if user is None:
        user = await _create(session, identity)
    else:
        _refresh_profile(session, user, identity)
    if identity.groups is not None:
        await sync_claimed_roles(session, user, identity.groups)
    return user


async def _find(session: AsyncSession, identity: ExternalIdentity) -> User | None:
    query = select(User).where(User.issuer == identity.issuer, User.subject == identity.subject)
    return (await session.exec(query)).first()


async def _create(session: AsyncSession, identity: ExternalIdentity) -> User:
    user = User(
        username=await _free_username(session, identity),
        display_name=(identity.display_name or identity.username or identity.subject)[:200],
        email=identity.email,
        issuer=identity.issuer,
        subject=identity.subject,
    )
    try:
        async with session.begin_nested():
            session.add(user)
    except IntegrityError:
        # Two first requests of the same person at once: the other one made the user.
        existing = await _find(session, identity)
        if existing is None:
            raise
        return existing
    await record(
        session, action="user.created", object_type="user", object_id=user.id, actor_label=PROVIDER_ACTOR,
        data={"username": user.username, "issuer": identity.issuer, "subject": identity.subject},
    )
    return user


def _refresh_profile(session: AsyncSession, user: User, identity: ExternalIdentity) -> None:
    name = (identity.display_name or user.display_name)[:200]
    email = identity.email or user.email
    if (name, email) != (user.display_name, user.email):
        user.display_name, user.email = name, email
        session.add(user)


async def _free_username(session: AsyncSession, identity: ExternalIdentity) -> str:
    """The provider's preferred username when it is free. A taken name is never shared: a built-in
    account and a provider account are different people until an admin says otherwise."""
    digest = hashlib.sha256(f"{identity.issuer} {identity.subject}".encode()).hexdigest()
    wanted = _NOT_IN_USERNAME.sub("-", identity.username or "")[:120].strip("-") or f"user-{digest[:10]}"
    for candidate in (wanted, f"{wanted}-{digest[:8]}"):
        if (await session.exec(select(User.id).where(User.username == candidate))).first() is None:
            return candidate
    return f"{wanted}-{digest[:20]}"


async def sync_claimed_roles(session: AsyncSession, user: User, groups: tuple[str, ...]) -> None:
    """Grant the roles the claim names and take back claim-granted roles it no longer names. Roles
    an admin granted are never touched here."""
    wanted = await _roles_named(session, groups)
    held = {
        (m.org_id, m.role): m
        for m in (await session.exec(select(Membership).where(Membership.user_id == user.id))).all()
    }
    for org_id, role in sorted(wanted - held.keys(), key=str):
        session.add(Membership(user_id=user.id, org_id=org_id, role=role, from_claim=True))
        await _audit_claim(session, "member.role_granted", user, org_id, role)
    for key, membership in held.items():
        if membership.from_claim and key not in wanted:
            await session.delete(membership)
            await _audit_claim(session, "member.role_revoked", user, membership.org_id, membership.role)
    await session.flush()


async def _roles_named(session: AsyncSession, groups: tuple[str, ...]) -> set[tuple[uuid.UUID, str]]:
    """(organisation, role) for each "ORGCODE:role" value; other values are the provider's business."""
    pairs = [g.split(":", 1) for g in groups if g.count(":") == 1]
    valid = [(code, role) for code, role in pairs if role in Role.__members__]
    if not valid:
        return set()
    query = select(Organisation.code, Organisation.id).where(col(Organisation.code).in_({c for c, _ in valid}))
    ids = dict((await session.exec(query)).all())
    return {(ids[code], role) for code, role in valid if code in ids}


async def _audit_claim(session: AsyncSession, action: str, user: User, org_id: uuid.UUID, role: str) -> None:
    await record(
        session, action=action, object_type="organisation", object_id=org_id, actor_label=PROVIDER_ACTOR,
        data={"user_id": str(user.id), "username": user.username, "role": role, "source": "groups claim"},
    )
