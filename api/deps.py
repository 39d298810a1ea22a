"""Request dependencies: the database session (which owns the transaction) and the principal."""

from collections.abc import AsyncIterator, Callable
from functools import cache
from typing import Annotated, get_args, get_type_hints

from fastapi import Depends, Header, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import OAuth2PasswordBearer
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from services.db import end_handed_on, hand_on, transaction
from services.idempotency.service import KEY_PATTERN
from services.identity.principal import Principal
from standardflow.config import Settings

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Commits when the request succeeds, rolls back when it fails. A GET only reads, so it waits for
    no writer (and a write in it fails); a GET that writes asks for WritingSessionDep."""
    read_only = request.method in READ_METHODS
    async with transaction(request.app.state.sessions, read_only=read_only) as session:
        yield session


async def get_writing_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with transaction(request.app.state.sessions) as session:
        yield session


async def get_principal(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)],
    session: Annotated[AsyncSession, Depends(get_session, scope="function")],
) -> AsyncIterator[Principal]:
    """A bearer token, or else a signed-in browser session (whose state-changing requests must carry
    its CSRF token), read in the request's one transaction:

    - a route that takes the request's session (SessionDep) reads it there: `session` is that
      session (FastAPI gives a request one value per dependency);
    - a route that takes no session, as one that waits on Temporal, reads it in a read-only
      transaction handed on to the route (services/db.py `hand_on`): its first checks continue it and
      end it before the wait, and nothing stays open while the workflow works;
    - a route that opens a session of its own kind (a page's, which may write) reads it in a short
      transaction that ends before the route's begins, as a writer would otherwise wait on itself.
    Otherwise `session` is never used, and a session never used never reaches the database."""
    authenticator = request.app.state.authenticator
    place = _principal_place(request.scope.get("route"))
    if place == "request":
        yield await authenticator.principal(request, token, session=session)
        return
    if place == "own":
        yield await authenticator.principal(request, token)
        return
    reading = await hand_on(request.app.state.sessions)
    try:
        principal = await authenticator.principal(request, token, session=reading)
    except BaseException as exc:
        await end_handed_on(exc)
        raise
    try:
        yield principal
    finally:
        await end_handed_on()


def _principal_place(route: object) -> str:
    """Where the route's principal is read: "request", "handed_on" or "own" (see get_principal)."""
    if not isinstance(route, APIRoute):
        return "own"
    calls = _calls(route.dependant)
    if get_session in calls:
        return "request"
    if any(_yields_session(call) for call in calls):
        return "own"
    return "handed_on"


def _calls(dependant: Dependant) -> list[Callable]:
    """What the route itself depends on, at any depth, leaving out what the principal depends on."""
    calls, waiting = [], list(dependant.dependencies)
    while waiting:
        sub = waiting.pop()
        if sub.call is not get_principal:
            calls.append(sub.call)
            waiting.extend(sub.dependencies)
    return calls


def _yields_session(call: Callable) -> bool:
    try:
        return _returns_session(call)
    except TypeError:  # a callable object that cannot be a dict key: not one of ours
        return False


@cache
def _returns_session(call: Callable) -> bool:
    try:
        returned = get_type_hints(call).get("return")
    except (TypeError, NameError):
        return False
    return AsyncSession in get_args(returned)


def get_temporal(request: Request) -> Client:
    return request.app.state.temporal


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


# scope="function": the transaction commits before the response leaves, so a client's next request
# already sees what this one wrote.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
WritingSessionDep = Annotated[AsyncSession, Depends(get_writing_session, scope="function")]
PrincipalDep = Annotated[Principal, Depends(get_principal, scope="function")]
TemporalDep = Annotated[Client, Depends(get_temporal)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", pattern=KEY_PATTERN, max_length=200,
    description="Any key of yours (a UUID, say) for this request: sent again under the same key with the same "
                "content, it answers with what the first one created instead of creating it again; with other "
                "content, 422.",
)]
