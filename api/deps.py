"""Request dependencies: the database session (which owns the transaction) and the principal."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from services.db import transaction
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


async def get_principal(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
    """A bearer token, or else a signed-in browser session (whose state-changing requests must carry
    its CSRF token). A short transaction of its own, so routes that wait on Temporal hold none."""
    return await request.app.state.authenticator.principal(request, token)


def get_temporal(request: Request) -> Client:
    return request.app.state.temporal


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


# scope="function": the transaction commits before the response leaves, so a client's next request
# already sees what this one wrote.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
WritingSessionDep = Annotated[AsyncSession, Depends(get_writing_session, scope="function")]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", pattern=KEY_PATTERN, max_length=200,
    description="Any key of yours (a UUID, say) for this request: sent again under the same key with the same "
                "content, it answers with what the first one created instead of creating it again; with other "
                "content, 422.",
)]
