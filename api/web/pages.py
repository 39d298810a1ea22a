"""The pages: sign in (built-in account or the provider), sign out, and the signed-in landing page."""

import logging
from typing import Annotated

import httpx
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import ProviderUnavailable, login_limits
from api.deps import SessionDep, WritingSessionDep
from api.web import oidc, session as browser
from api.web.pages_common import page
from api.web.signin import local_path, sign_in_page
from services.db import transaction
from services.errors import Invalid, NotFound, Unauthorized
from services.identity import expertise, invitations
from services.identity.permissions import Permission
from services.identity.service import get_by_username
from services.projects.domains import FRAMEWORK
from services.identity.throttle import TooManyAttempts
from services.identity.web_sessions import end_web_session, password_web_session, provider_web_session
from standardflow.config import Settings

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
NEXT_KEY = "next"
ACCOUNT = "/account"


def _settings(request: Request) -> Settings:
    return request.app.state.settings


@router.get("/login")
async def login_page(request: Request, next: str | None = None) -> HTMLResponse:  # noqa: A002 - the query name
    """The sign-in page: a built-in account's form, and the provider's button when one is configured.
    Signing in leads to `next` (a path on this site), or to the inbox."""
    return sign_in_page(request, next_path=local_path(next))


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=150)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str | None, Form()] = None,  # noqa: A002 - the form field's name
) -> Response:
    """Sign in with a built-in account; after repeated failures from an address its next try waits
    (services/identity/throttle.py)."""
    await browser.require_csrf(request)
    settings = _settings(request)
    address = request.client.host if request.client else "unknown"
    try:
        key = await password_web_session(
            request.app.state.sessions, username, password, address, login_limits(settings), settings.web_session_hours
        )
    except Unauthorized:
        return sign_in_page(request, 401, ("wrong_password", {}), local_path(next))
    except TooManyAttempts as exc:
        refused = sign_in_page(request, 429, ("too_many", {"wait": exc.values["wait"]}), local_path(next))
        refused.headers["Retry-After"] = str(exc.retry_after)
        return refused
    browser.begin(request, key)
    await _chosen_language(request, username)
    return RedirectResponse(local_path(next), status_code=303)


async def _chosen_language(request: Request, username: str) -> None:
    """The language the person chose on their account page holds from their first page on, unless they
    picked one on the sign-in page just now: the choice made on the page in front of them wins."""
    if request.session.get(browser.LANG_ASKED_KEY):
        return
    async with transaction(request.app.state.sessions) as session:
        user = await get_by_username(session, username)
    if user is not None and user.language:
        request.session[browser.LANG_KEY] = user.language


@router.get("/login/oidc")
async def login_at_provider(request: Request, next: str | None = None) -> Response:  # noqa: A002
    """Send the browser to the identity provider (authorisation code with PKCE)."""
    client = _provider(request)
    request.session[NEXT_KEY] = local_path(next)
    try:
        return await client.authorize_redirect(request, oidc.callback_url(_settings(request)))
    except httpx.HTTPError as exc:
        raise _provider_down(exc) from exc


@router.get(oidc.CALLBACK_PATH)
async def provider_callback(request: Request, session: WritingSessionDep) -> Response:
    """Where the provider sends the browser back: the code becomes tokens, the person a signed-in user."""
    client, settings = _provider(request), _settings(request)
    next_path = local_path(request.session.get(NEXT_KEY))
    try:
        identity, id_token = await oidc.finish_sign_in(client, request, settings)
    except Invalid as exc:
        # What went wrong is for the logs; the person is told that it did, and what they can do.
        log.warning("sign-in at the identity provider failed: %s", exc.message)
        return sign_in_page(request, 400, ("provider_failed", {}), next_path)
    except httpx.HTTPError as exc:
        raise _provider_down(exc) from exc
    key = await provider_web_session(session, identity, hours=settings.web_session_hours, id_token=id_token)
    browser.begin(request, key)
    return RedirectResponse(next_path, status_code=303)


@router.post("/logout")
async def logout(request: Request, session: SessionDep) -> Response:
    """End the session here, and at the provider too when the session began there and it can."""
    await browser.require_csrf(request)
    key = browser.end(request)
    ended = await end_web_session(session, key) if key else None
    client = request.app.state.oidc_client
    if ended is not None and ended.issuer and client is not None:
        try:
            url = await oidc.sign_out_url(client, _settings(request), ended.id_token)
        except httpx.HTTPError:
            url = None  # signed out here all the same; the provider's session ends on its own
        if url:
            return RedirectResponse(url, status_code=303)
    return RedirectResponse("/login", status_code=303)


@router.get(ACCOUNT)
async def account(request: Request) -> Response:
    """Your account: who you are, and your roles in each organisation."""
    try:
        principal = await request.app.state.authenticator.principal(request, None)
    except Unauthorized:
        return RedirectResponse(f"/login?next={ACCOUNT}", status_code=303)
    async with transaction(request.app.state.sessions, read_only=True) as session:
        waiting = await invitations.list_invitations(session, principal)
        fields = await expertise.expertise_of(session, principal.user_id)
    return page(request, "account.html", principal, invitations=waiting, expertise=fields,
                is_expert=principal.can(Permission.PANEL_OPINION), framework=FRAMEWORK)


def _provider_down(exc: httpx.HTTPError) -> ProviderUnavailable:
    """The provider did not answer: logged with the address and the error, told to the person plainly."""
    try:
        where = str(exc.request.url)
    except RuntimeError:  # an error raised before any request was made
        where = "?"
    log.warning("the identity provider cannot be reached at %s: %r", where, exc)
    return ProviderUnavailable("error.provider.down")


def _provider(request: Request):  # noqa: ANN202 - Authlib's client class
    client = request.app.state.oidc_client
    if client is None:
        raise NotFound("error.provider.none")
    return client
