"""Who is asking. A bearer token goes to the verifier of its issuer (the built-in one, or the configured
OpenID Connect provider); without a token, a signed-in browser session is asked for. Both end as the
same Principal."""

import asyncio
import base64
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import httpx
from fastapi import Request
from joserfc.jwk import KeySet
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from api.web.session import signed_in_user_id
from services.db import reads_only, transaction
from services.errors import DomainError, Unauthorized
from services.identity.external import external_user, identity_from_claims
from services.identity.keys import SigningKeys
from services.identity.principal import Principal
from services.identity.service import load_principal
from services.identity.throttle import LoginLimits
from services.identity.tokens import issue_access_token, token_header, token_key_id, verify_token
from standardflow.config import Settings

API_AUDIENCE = "standardflow-api"


class ProviderUnavailable(DomainError):
    status_code = 503


class TokenVerifier(Protocol):
    issuer: str
    creates_users: bool  # whether verifying may write (a provider's user is created on first sight)

    async def user_id_for(self, token: str, session: AsyncSession) -> uuid.UUID: ...


@dataclass
class BuiltinIssuer:
    """The embedded identity provider: local accounts, tokens signed with our own keys."""

    issuer: str
    keys: SigningKeys
    ttl_seconds: int
    creates_users = False

    def issue(self, user_id: uuid.UUID) -> str:
        self.keys.refresh()
        return issue_access_token(
            self.keys, subject=str(user_id), issuer=self.issuer, audience=API_AUDIENCE,
            ttl_seconds=self.ttl_seconds,
        )

    def public_jwks(self) -> dict:
        self.keys.refresh()
        return self.keys.public_jwks()

    async def user_id_for(self, token: str, session: AsyncSession) -> uuid.UUID:
        self.keys.refresh()
        claims = verify_token(token, self.keys.key_set, issuer=self.issuer, audience=API_AUDIENCE)
        try:
            return uuid.UUID(claims["sub"])
        except ValueError as exc:
            raise Unauthorized("error.token.subject") from exc


class ProviderKeys:
    """An OpenID Connect provider's discovery document and published keys, cached for `refresh`
    seconds, so a key the provider has dropped stops verifying within that time. A key id we do not
    hold fetches the keys sooner (the provider has rotated), but at most once per `min_refresh`
    seconds, so tokens with made-up key ids cannot make us hammer the provider."""

    def __init__(self, issuer: str, http: httpx.AsyncClient, refresh: float, min_refresh: float) -> None:
        self.issuer = issuer
        self.http = http
        self.refresh = refresh
        self.min_refresh = min_refresh
        self.metadata: dict | None = None
        self.key_set: KeySet | None = None
        self.fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def for_key_id(self, kid: str | None) -> KeySet:
        async with self._lock:
            age = time.monotonic() - self.fetched_at
            if self.key_set is None or age >= self.refresh or (not self._holds(kid) and age >= self.min_refresh):
                await self._fetch()
            return self.key_set

    def _holds(self, kid: str | None) -> bool:
        return any(key.kid == kid for key in self.key_set.keys)

    async def _fetch(self) -> None:
        try:
            if self.metadata is None:
                self.metadata = await self._get_json(f"{self.issuer.rstrip('/')}/.well-known/openid-configuration")
                if self.metadata.get("issuer") != self.issuer:
                    self.metadata = None
                    raise ProviderUnavailable("error.provider.issuer")
            self.key_set = KeySet.import_key_set(await self._get_json(self.metadata["jwks_uri"]))
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            raise ProviderUnavailable("error.provider.unreachable", reason=str(exc)) from exc
        self.fetched_at = time.monotonic()

    async def _get_json(self, url: str) -> dict:
        response = await self.http.get(url)
        response.raise_for_status()
        return response.json()


# Claims only an ID token carries (OpenID Connect Core 3.1.3.6, 3.3.2.11), and claims an access token
# carries and an ID token does not (RFC 9068 2.2, and the `scp` of providers that predate it).
_ID_TOKEN_CLAIMS = ("at_hash", "c_hash", "s_hash")
_ACCESS_TOKEN_CLAIMS = ("client_id", "scope", "scp")


@dataclass
class OidcVerifier:
    """Bearer access tokens (JWTs) from the configured provider: its keys, its issuer, our audience,
    expiry and not-before, and the type of an access token, never an ID token. The person behind the
    token becomes a user the first time."""

    issuer: str
    audience: str
    keys: ProviderKeys
    leeway: int
    groups_claim: str
    access_token_typ: str
    groups_allowed: tuple[str, ...] = ()
    creates_users = True

    async def user_id_for(self, token: str, session: AsyncSession) -> uuid.UUID:
        key_set = await self.keys.for_key_id(token_key_id(token))
        claims = verify_token(
            token, key_set, issuer=self.issuer, audience=self.audience, leeway=self.leeway,
            algorithms=["RS256", "PS256", "ES256"],
        )
        self._refuse_id_token(token, claims)
        identity = identity_from_claims(self.issuer, claims, self.groups_claim, self.groups_allowed)
        user = await external_user(session, identity)
        return user.id

    def _refuse_id_token(self, token: str, claims: dict) -> None:
        typ = _media_type(token_header(token).get("typ"))
        if self.access_token_typ:
            if typ != _media_type(self.access_token_typ):
                raise Unauthorized("error.token.not_access")
            return
        # A provider that does not mark its access tokens: an ID token is known by what it carries, or
        # by Keycloak's own `typ` claim ("ID" against "Bearer").
        marked = typ not in ("", "jwt") or str(claims.get("typ", "")).lower() == "id"
        if marked or any(name in claims for name in _ID_TOKEN_CLAIMS):
            raise Unauthorized("error.token.not_access")
        if not any(name in claims for name in _ACCESS_TOKEN_CLAIMS):
            raise Unauthorized("error.token.not_access")


def _media_type(typ: object) -> str:
    """RFC 7515 4.1.9: "at+jwt" and "application/at+jwt" name the same type, in any case."""
    value = str(typ or "").lower()
    return value.removeprefix("application/")


class Authenticator:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], verifiers: list[TokenVerifier]) -> None:
        self.sessions = sessions
        self.verifiers = {v.issuer: v for v in verifiers}

    async def principal(
        self, request: Request, token: str | None, check_csrf: bool = True, session: AsyncSession | None = None
    ) -> Principal:
        """Read in `session`, the request's own transaction, or else in a short one of its own that only
        reads. A provider's token that may create its user on the way is turned into the user in a
        writing transaction of its own first, unless `session` writes anyway. `check_csrf=False` only
        names the reader of a page that changes nothing."""
        verifier = self.verifier_for(token) if token else None
        if verifier is not None and verifier.creates_users and (session is None or reads_only(session)):
            async with transaction(self.sessions) as writing:
                user_id = await verifier.user_id_for(token, writing)
                if session is None:
                    return await load_principal(writing, user_id)
            return await load_principal(session, user_id)
        if session is None:
            async with transaction(self.sessions, read_only=True) as reading:
                return await self._read(request, token, verifier, reading, check_csrf)
        return await self._read(request, token, verifier, session, check_csrf)

    async def _read(
        self, request: Request, token: str | None, verifier: TokenVerifier | None, session: AsyncSession,
        check_csrf: bool,
    ) -> Principal:
        if verifier is not None:
            user_id = await verifier.user_id_for(token, session)
        else:
            user_id = await signed_in_user_id(request, session, check_csrf)
        return await load_principal(session, user_id)

    def verifier_for(self, token: str) -> TokenVerifier:
        verifier = self.verifiers.get(_unverified_issuer(token))
        if verifier is None:
            raise Unauthorized("error.token.issuer")
        return verifier


@dataclass
class Identity:
    builtin: BuiltinIssuer
    authenticator: Authenticator


@asynccontextmanager
async def identity(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[Identity]:
    """The built-in issuer, and the provider's verifier when one is configured, for the app's lifetime."""
    builtin = BuiltinIssuer(
        issuer=settings.public_base_url, keys=SigningKeys(settings.resolved_signing_key_path),
        ttl_seconds=settings.token_ttl_minutes * 60,
    )
    verifiers: list[TokenVerifier] = [builtin]
    async with httpx.AsyncClient(timeout=10) as http:
        if settings.oidc_enabled:
            keys = ProviderKeys(
                settings.oidc_issuer, http, settings.oidc_jwks_refresh_seconds, settings.oidc_jwks_min_refresh_seconds
            )
            verifiers.append(
                OidcVerifier(
                    issuer=settings.oidc_issuer, audience=settings.oidc_audience, keys=keys,
                    leeway=settings.oidc_leeway_seconds, groups_claim=settings.oidc_groups_claim,
                    access_token_typ=settings.oidc_access_token_typ,
                    groups_allowed=settings.oidc_groups_allowed_list,
                )
            )
        yield Identity(builtin, Authenticator(sessions, verifiers))


def login_limits(settings: Settings) -> LoginLimits:
    return LoginLimits(
        free_failures=settings.login_failures_before_delay,
        per_address=settings.login_max_failures_per_address,
        per_account=settings.login_max_failures_per_account,
        first_delay=settings.login_first_delay_seconds,
        max_delay=settings.login_max_delay_seconds,
        window_seconds=settings.login_failure_window_seconds,
    )


def _unverified_issuer(token: str) -> str | None:
    """Only picks the verifier; the chosen verifier checks signature and issuer itself."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, UnicodeDecodeError):
        return None
    return claims.get("iss") if isinstance(claims, dict) else None
