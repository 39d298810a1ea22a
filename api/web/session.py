"""The browser session: a signed, HttpOnly, SameSite=Lax cookie (Secure outside development) that
holds the key of a server-side session, the CSRF token tied to it, and the chosen language."""

import secrets
import uuid

from fastapi import Request
from sqlmodel.ext.asyncio.session import AsyncSession

from services.errors import Forbidden, Unauthorized
from services.identity.web_sessions import active_web_session
from standardflow.config import Settings

COOKIE_NAME = "standardflow_session"
SESSION_KEY = "sid"
CSRF_KEY = "csrf"
LANG_KEY = "lang"
LANG_ASKED_KEY = "lang_asked"  # set when the reader picked the language on a page (?lang=) since signing out
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def middleware_options(settings: Settings) -> dict:
    """Arguments for Starlette's SessionMiddleware."""
    return {
        "secret_key": settings.session_secret,
        "session_cookie": COOKIE_NAME,
        "max_age": settings.web_session_hours * 3600,
        "same_site": "lax",
        "https_only": settings.environment != "development",
    }


async def signed_in_user_id(request: Request, session: AsyncSession, check_csrf: bool = True) -> uuid.UUID:
    """The user of the browser's live session; a state-changing request must also carry its CSRF token
    (unless it is only asked who reads a refusal whose body was never read)."""
    key = request.session.get(SESSION_KEY)
    row = await active_web_session(session, key) if isinstance(key, str) else None
    if row is None:
        raise Unauthorized("error.sign_in_first")
    if check_csrf and request.method not in SAFE_METHODS:
        await require_csrf(request)
    return row.user_id


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use; pages put it in every form."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


async def require_csrf(request: Request) -> None:
    expected = request.session.get(CSRF_KEY)
    sent = request.headers.get(CSRF_HEADER) or await _form_token(request)
    if not isinstance(expected, str) or not sent or not secrets.compare_digest(expected, sent):
        raise Forbidden("error.csrf", field_name=CSRF_FIELD)


async def _form_token(request: Request) -> str | None:
    # Only forms carry a field; FastAPI has usually parsed the form already and Starlette keeps it.
    if not request.headers.get("content-type", "").startswith(FORM_TYPES):
        return None
    value = (await request.form()).get(CSRF_FIELD)
    return value if isinstance(value, str) else None


def begin(request: Request, key: str) -> None:
    """A fresh cookie for a fresh sign-in: nothing from before (a planted token) carries over but the language."""
    language, asked = request.session.get(LANG_KEY), request.session.get(LANG_ASKED_KEY)
    request.session.clear()
    request.session[SESSION_KEY] = key
    if language:
        request.session[LANG_KEY] = language
    if asked:
        request.session[LANG_ASKED_KEY] = True
    csrf_token(request)


def end(request: Request) -> str | None:
    """Forget the session in the cookie; returns its key so the server-side session can be ended too.
    The language stays for the sign-in page, but not as a choice the next person made."""
    key = request.session.get(SESSION_KEY)
    language = request.session.get(LANG_KEY)
    request.session.clear()
    if language:
        request.session[LANG_KEY] = language
    return key if isinstance(key, str) else None
