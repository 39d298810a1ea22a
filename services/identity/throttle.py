"""Password sign-in with growing delays after failures, so guessing is slow and no one can lock an
account's owner out.

- Per account and address: an address may fail `free_failures` times at an account; after that each
  further try from there waits, `first_delay` after the last failure, then twice as long after each
  new one, up to `max_delay`. The owner's failures elsewhere, and an attacker's, never make another
  address wait: whoever floods an account with wrong passwords slows only themselves, and the
  secretary signs in from their own address before the ballot closes. A success from an address
  forgives that address its failures at that account.
- Per address, at all accounts together: past `per_address` failures its tries wait in the same
  way, so one address cannot spray a password across every account.
- Per account, from every address: there is no ceiling that refuses, since any such ceiling is the
  lockout this replaces. An account failed at `per_account` times gives each address only one
  failure before it waits. That slows a guesser with many addresses, while the owner's first try
  from anywhere still goes through at once.

A failure counts for `window_seconds`. The address is the one the server sees (a proxy's
X-Forwarded-For only when the proxy is trusted, standardflow.runtime), cut to 64 characters.

Each attempt is written as a failure before anything is checked, in a transaction of its own, and
is then judged by the attempts written before it: parallel guesses are counted against each other.
Once answered it takes the time of its answer, and a success is marked. A try refused for waiting
is removed again, so waiting the time it was told is always enough.
"""

import asyncio
import math
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
from services.words import Phrase


class TooManyAttempts(DomainError):
    """A try that must wait `retry_after` seconds; the words say how long."""

    status_code = 429

    def __init__(self, key: str, /, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(key, wait=_duration(retry_after))


def _duration(seconds: int) -> Phrase:
    if seconds < 60:
        return Phrase("duration.seconds", {"count": seconds})
    return Phrase("duration.minutes", {"count": math.ceil(seconds / 60)})


@dataclass(frozen=True)
class LoginLimits:
    free_failures: int
    per_address: int
    per_account: int
    first_delay: float
    max_delay: float
    window_seconds: int

    def delay(self, failures: int, free: int) -> float:
        """How long after the last of `failures` the next try waits, when `free` of them cost nothing."""
        if failures == 0 or failures < free:
            return 0
        return min(self.max_delay, self.first_delay * 2 ** min(failures - free, 32))


@dataclass(frozen=True)
class _Failures:
    count: int
    last: datetime | None


async def sign_in(
    sessions: async_sessionmaker[AsyncSession], username: str, password: str, address: str, limits: LoginLimits
) -> User:
    """The user whose built-in password this is; 401 when it is not, 429 while the try must wait."""
    if "\x00" in username:
        # No account is called so, and PostgreSQL cannot even look a NUL up.
        raise Unauthorized("error.sign_in.wrong")
    attempt = await _record_attempt(sessions, username.strip().lower()[:150], address[:64], limits)
    async with transaction(sessions) as session:
        refusal = await _refusal(session, attempt, limits)
        if refusal is not None:
            await session.exec(delete(LoginAttempt).where(LoginAttempt.id == attempt.id))
        user = await get_by_username(session, username)
    if refusal is not None:
        raise refusal
    # argon2 takes tens of milliseconds of CPU; keep it off the event loop.
    ok = await asyncio.to_thread(verify_password, password, user.password_hash if user else None)
    signed_in = ok and user is not None and user.is_active
    async with transaction(sessions) as session:
        # The delay after a failure runs from its answer, as the Retry-After a client is told does.
        attempt = await session.get(LoginAttempt, attempt.id)
        attempt.succeeded, attempt.at = signed_in, utcnow()
        session.add(attempt)
    if not signed_in:
        raise Unauthorized("error.sign_in.wrong")
    return user


async def _record_attempt(
    sessions: async_sessionmaker[AsyncSession], account: str, address: str, limits: LoginLimits
) -> LoginAttempt:
    now = utcnow()
    async with transaction(sessions) as session:
        # Attempts older than the window count for nothing; dropping them keeps the table small.
        expired = now - timedelta(seconds=limits.window_seconds)
        await session.exec(delete(LoginAttempt).where(col(LoginAttempt.at) < expired))
        attempt = LoginAttempt(account=account, address=address, succeeded=False, at=now)
        session.add(attempt)
        await session.flush()
        return attempt


async def _refusal(session: AsyncSession, attempt: LoginAttempt, limits: LoginLimits) -> TooManyAttempts | None:
    """Why this attempt must wait, judged by the failures written before it; None when it need not."""
    since = attempt.at - timedelta(seconds=limits.window_seconds)
    earlier = (col(LoginAttempt.id) < attempt.id, col(LoginAttempt.at) > since)
    account = LoginAttempt.account == attempt.account
    address = LoginAttempt.address == attempt.address
    pressed = (await _failures(session, *earlier, account)).count >= limits.per_account
    pair = await _pair_failures(session, *earlier, account, address)
    from_address = await _failures(session, *earlier, address)
    waits = [
        (_seconds_left(pair, limits.delay(pair.count, 1 if pressed else limits.free_failures), attempt.at),
         "error.sign_in.account_limit"),
        (_seconds_left(from_address, limits.delay(from_address.count, limits.per_address), attempt.at),
         "error.sign_in.address_limit"),
    ]
    seconds, key = max(waits)
    return TooManyAttempts(key, retry_after=seconds) if seconds > 0 else None


def _seconds_left(failures: _Failures, delay: float, now: datetime) -> int:
    if failures.last is None or delay <= 0:
        return 0
    return max(0, math.ceil((failures.last + timedelta(seconds=delay) - now).total_seconds()))


async def _failures(session: AsyncSession, *conditions) -> _Failures:  # noqa: ANN002 - SQL expressions
    query = select(func.count(), func.max(LoginAttempt.at)).where(*conditions, col(LoginAttempt.succeeded).is_(False))
    count, last = (await session.exec(query)).one()
    return _Failures(count, last)


async def _pair_failures(session: AsyncSession, *conditions) -> _Failures:  # noqa: ANN002 - SQL expressions
    """The failures since the pair's last success: a success forgives the address at that account."""
    forgiven = select(func.max(LoginAttempt.id)).where(*conditions, col(LoginAttempt.succeeded))
    last_success = (await session.exec(forgiven)).one()
    since_success = () if last_success is None else (col(LoginAttempt.id) > last_success,)
    return await _failures(session, *conditions, *since_success)
