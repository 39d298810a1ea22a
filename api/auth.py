"""Bearer tokens become principals. Each accepted issuer is one verifier; the first that knows the
token's issuer checks it."""

import base64
import json
import uuid
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from services.errors import Unauthorized
from services.identity.keys import SigningKeys
from services.identity.tokens import issue_access_token, verify_token

API_AUDIENCE = "standardflow-api"


class TokenVerifier(Protocol):
    issuer: str

    async def user_id_for(self, token: str, session: AsyncSession) -> uuid.UUID: ...


@dataclass
class BuiltinIssuer:
    """The embedded identity provider: local accounts, tokens signed with our own keys."""

    issuer: str
    keys: SigningKeys
    ttl_seconds: int

    def issue(self, user_id: uuid.UUID) -> str:
        return issue_access_token(
            self.keys, subject=str(user_id), issuer=self.issuer, audience=API_AUDIENCE,
            ttl_seconds=self.ttl_seconds,
        )

    async def user_id_for(self, token: str, session: AsyncSession) -> uuid.UUID:
        claims = verify_token(token, self.keys.key_set, issuer=self.issuer, audience=API_AUDIENCE)
        try:
            return uuid.UUID(claims["sub"])
        except ValueError as exc:
            raise Unauthorized("invalid token: subject is not a user id") from exc


class Authenticator:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], verifiers: list[TokenVerifier]) -> None:
        self.sessions = sessions
        self.verifiers = {v.issuer: v for v in verifiers}

    async def user_id_for(self, token: str, session: AsyncSession) -> uuid.UUID:
        verifier = self.verifiers.get(_unverified_issuer(token))
        if verifier is None:
            raise Unauthorized("invalid token: unknown issuer")
        return await verifier.user_id_for(token, session)


def _unverified_issuer(token: str) -> str | None:
    """Only picks the verifier; the chosen verifier checks signature and issuer itself."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, UnicodeDecodeError):
        return None
    return claims.get("iss") if isinstance(claims, dict) else None
