"""Password sign-in with a limit on failures, per account and per client address.

Each attempt is written as a failure before the password is checked, in a transaction of its own, so
parallel guesses are counted too and a failure stays counted although the request that made it fails.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.db import transaction, utcnow
from services.errors import DomainError, Unauthorized
from services.identity.models import LoginAttempt, User
from services.identity.passwords import verify_password
from services.identity.service import get_by_username


class TooManyAttempts(DomainError):
    status_code = 429


@dataclass(frozen=True)
class LoginLimits:
    per_account: int
    per_address: int
    window_seconds: int

    @property
    def minutes(self) -> int:
        return max(1, self.window_seconds // 60)


async def sign_in(
    sessions: async_sessionmaker[AsyncSession], username: str, password: str, address: str, limits: LoginLimits
) -> User:
    """The user whose built-in password this is; 401 when it is not, 429 once the limits are reached."""
    if "\x00" in username:
        # No account is called so, and PostgreSQL cannot even look a NUL up.
        raise Unauthorized("error.sign_in.wrong")
    account = username.strip().lower()[:150]
    async with transaction(sessions) as session:
        await _check_limits(session, account, address, limits)
        attempt = await _record_attempt(session, account, address, limits)
        user = await get_by_username(session, username)
    # argon2 takes tens of milliseconds of CPU; keep it off the event loop.
    ok = await asyncio.to_thread(verify_password, password, user.password_hash if user else None)
    if not ok or user is None or not user.is_active:
        raise Unauthorized("error.sign_in.wrong")
    async with transaction(sessions) as session:
        attempt = await session.get(LoginAttempt, attempt.id)
        attempt.succeeded = True
        session.add(attempt)
    return user


async def _check_limits(session: AsyncSession, account: str, address: str, limits: LoginLimits) -> None:
    since = utcnow() - timedelta(seconds=limits.window_seconds)
    # A success resets its account's count, but never its address's: one good account must not
    # let an address go on guessing at the others.
    last_success = await _last_success(session, account, since)
    if await _failures(session, LoginAttempt.account == account, max(since, last_success)) >= limits.per_account:
        raise TooManyAttempts("error.sign_in.account_limit", minutes=limits.minutes)
    if await _failures(session, LoginAttempt.address == address, since) >= limits.per_address:
        raise TooManyAttempts("error.sign_in.address_limit", minutes=limits.minutes)


async def _last_success(session: AsyncSession, account: str, since: datetime) -> datetime:
    query = select(func.max(LoginAttempt.at)).where(LoginAttempt.account == account, col(LoginAttempt.succeeded))
    found = (await session.exec(query)).one()
    return found or since


async def _failures(session: AsyncSession, condition, since: datetime) -> int:  # noqa: ANN001 - a SQL expression
    query = (
        select(func.count()).select_from(LoginAttempt)
        .where(condition, col(LoginAttempt.succeeded).is_(False), col(LoginAttempt.at) > since)
    )
    return (await session.exec(query)).one()


async def _record_attempt(session: AsyncSession, account: str, address: str, limits: LoginLimits) -> LoginAttempt:
    now = utcnow()
    # Attempts older than the window count for nothing; dropping them keeps the table small.
    expired = now - timedelta(seconds=limits.window_seconds)
    await session.exec(delete(LoginAttempt).where(col(LoginAttempt.at) < expired))
    attempt = LoginAttempt(account=account, address=address[:64], succeeded=False, at=now)
    session.add(attempt)
    await session.flush()
    return attempt
