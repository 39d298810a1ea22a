"""Signed-in browsers. The cookie carries a random key; the database keeps only its hash, so neither
a copy of the database nor a copied cookie outlives a sign-out."""

import hashlib
import secrets
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from services.db import transaction, utcnow
from services.identity.external import ExternalIdentity, external_user
from services.identity.models import WebSession
from services.identity.throttle import LoginLimits, sign_in


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def open_web_session(
    session: AsyncSession, user_id: uuid.UUID, *, hours: int, issuer: str | None = None, id_token: str | None = None
) -> str:
    """Start a session for the user; returns the key the cookie carries."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            key_hash=_hash(key), user_id=user_id, issuer=issuer, id_token=id_token,
            created_at=now, expires_at=now + timedelta(hours=hours),
        )
    )
    await session.flush()
    return key


async def active_web_session(session: AsyncSession, key: str) -> WebSession | None:
    row = await session.get(WebSession, _hash(key))
    if row is None or row.ended_at is not None or row.expires_at <= utcnow():
        return None
    return row


async def end_web_session(session: AsyncSession, key: str) -> WebSession | None:
    """Sign out: the row stays (it is the record of the session) but no longer signs anyone in."""
    row = await active_web_session(session, key)
    if row is not None:
        row.ended_at = utcnow()
        session.add(row)
        await session.flush()
    return row


async def password_web_session(
    sessions: async_sessionmaker[AsyncSession], username: str, password: str, address: str,
    limits: LoginLimits, hours: int,
) -> str:
    """Sign in with a built-in account's password (rate-limited); returns the new session's key."""
    user = await sign_in(sessions, username, password, address, limits)
    async with transaction(sessions) as session:
        return await open_web_session(session, user.id, hours=hours)


async def provider_web_session(
    session: AsyncSession, identity: ExternalIdentity, *, hours: int, id_token: str | None
) -> str:
    """Sign in someone the provider vouches for, creating their user the first time."""
    user = await external_user(session, identity)
    return await open_web_session(session, user.id, hours=hours, issuer=identity.issuer, id_token=id_token)
