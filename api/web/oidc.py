"""Signing in at the configured OpenID Connect provider from the browser: authorisation code with
PKCE through Authlib's Starlette client, which keeps the state, nonce and code verifier in the session."""

import logging
import warnings

import httpx
from fastapi import Request

# Authlib 1.9 would rather run on httpx2 and says so on import; the app runs on httpx, which Authlib
# still supports, and the warning would only clutter every command's output.
with warnings.catch_warnings():
    import authlib.deprecate  # noqa: F401 - installs Authlib's own "always" filter, which ours must follow

    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.starlette_client import OAuth, OAuthError, StarletteOAuth2App

from services.errors import Invalid
from services.identity.external import ExternalIdentity, identity_from_claims
from standardflow.config import Settings

CALLBACK_PATH = "/login/oidc/callback"
log = logging.getLogger(__name__)


def provider_client(settings: Settings) -> StarletteOAuth2App | None:
    if not settings.oidc_enabled:
        return None
    oauth = OAuth()
    return oauth.register(
        "provider",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        server_metadata_url=f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256"},
    )


def callback_url(settings: Settings) -> str:
    # From the configured base URL, not the request's: behind a proxy the request's may be internal.
    return settings.public_base_url.rstrip("/") + CALLBACK_PATH


async def finish_sign_in(
    client: StarletteOAuth2App, request: Request, settings: Settings
) -> tuple[ExternalIdentity, str | None]:
    """Exchange the code (with the PKCE verifier) for tokens; who signed in, and the ID token."""
    try:
        token = await client.authorize_access_token(request)
        claims = dict(token["userinfo"])
    except (OAuthError, KeyError) as exc:
        raise Invalid("error.provider.answer", reason=str(exc) or "-") from exc
    claims |= await _userinfo(client, token, claims.get("sub"))
    identity = identity_from_claims(
        settings.oidc_issuer, claims, settings.oidc_groups_claim, settings.oidc_groups_allowed_list
    )
    return identity, token.get("id_token")


async def _userinfo(client: StarletteOAuth2App, token: dict, subject: object) -> dict:
    """The userinfo endpoint's claims about the person the ID token names; none when the provider
    has no such endpoint or refuses the access token there (one issued for the API, not for
    userinfo): then the ID token's claims are all we go by, and the refusal is only logged."""
    metadata = await client.load_server_metadata()
    if not metadata.get("userinfo_endpoint"):
        return {}
    try:
        extra = dict(await client.userinfo(token=token))
    except (OAuthError, httpx.HTTPError, ValueError) as exc:
        log.warning("the provider's userinfo endpoint refused the access token; using the ID token's claims: %s", exc)
        return {}
    return extra if extra.get("sub") == subject else {}


async def sign_out_url(client: StarletteOAuth2App, settings: Settings, id_token: str | None) -> str | None:
    """Where the browser ends its session at the provider, when the provider has such an endpoint."""
    metadata = await client.load_server_metadata()
    if not metadata.get("end_session_endpoint"):
        return None
    result = await client.create_logout_url(
        post_logout_redirect_uri=settings.public_base_url.rstrip("/") + "/login",
        id_token_hint=id_token, client_id=settings.oidc_client_id,
    )
    return result["url"]
