"""What every working page shares: its route class (a refusal becomes a page in the reader's language,
a signed-out reader goes to the sign-in page), its database session, and the page renderer."""

import re
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from contextvars import ContextVar
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData

from api.web.i18n import language
from api.web.page_text import Translator, known
from api.web.render import render
from api.web.session import SAFE_METHODS
from api.web.signin import form_page, sign_in_page
from services.db import transaction
from services.errors import DomainError, Invalid, Unauthorized
from services.idempotency.service import KEY_PATTERN
from services.identity.permissions import Permission
from services.identity.principal import Principal
from services.notifications.messages import DEFAULT_ZONE

# Times are shown in the deployment's zone (STANDARDFLOW_TIME_ZONE), whatever the server's own zone:
# PageRoute sets it for each page, so every helper that writes a time on the page uses it.
PAGE_ZONE: ContextVar[ZoneInfo] = ContextVar("page_zone", default=ZoneInfo(DEFAULT_ZONE))


class PageRoute(APIRoute):
    """A page that cannot be shown says why, as a page; a signed-out reader is sent to sign in."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            PAGE_ZONE.set(request.app.state.settings.zone)
            try:
                return await handler(request)
            except Unauthorized:
                if request.method in SAFE_METHODS:
                    return RedirectResponse(f"/login?next={quote(_here(request), safe='/')}", status_code=303)
                return _sign_in_again(request)
            except DomainError as exc:
                return refusal(request, exc, await reader(request))

        return page_handler


def _sign_in_again(request: Request) -> HTMLResponse:
    """A form sent after the session expired: nothing is done, and signing in leads back to the form's
    page, where the browser puts back what was typed (static/app.js)."""
    request.state.refused = True
    return sign_in_page(request, 401, ("session_expired", {}), form_page(request))


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def page_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Commits before the response leaves (function scope), so the page a redirect leads to already
    sees the change; rolls back when the page shows a refusal instead of the work being done."""
    async with transaction(request.app.state.sessions) as session:
        yield session
        if getattr(request.state, "refused", False):
            await session.rollback()


PageSession = Annotated[AsyncSession, Depends(page_session, scope="function")]


async def optional_principal(request: Request) -> Principal | None:
    """The signed-in reader of a public page, or None; a public page is only ever read (GET)."""
    try:
        return await request.app.state.authenticator.principal(request, None)
    except Unauthorized:
        return None


async def reader(request: Request, body_unread: bool = False) -> Principal | None:
    """Who is signed in, for the navigation of a page that shows an error: None as well when the
    request itself is refused (a form posted without its CSRF token). A body refused unread (too large)
    has no token to check: the navigation names the session's reader, and nothing is changed."""
    try:
        return await request.app.state.authenticator.principal(request, None, check_csrf=not body_unread)
    except DomainError:
        return None


# A dependency, so its own short transaction ends before the page's session begins: on SQLite a
# second transaction opened while the page's is open would wait for it.
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


def refusal(request: Request, exc: DomainError, principal: Principal | None = None) -> HTMLResponse:
    request.state.refused = True
    return page(request, "error.html", principal, status_code=exc.status_code, message=exc.text(language(request)),
                status=exc.status_code, signed_out=isinstance(exc, Unauthorized))


def page(request: Request, template: str, principal: Principal | None, status_code: int = 200,
         **context: object) -> HTMLResponse:
    lang = language(request)
    return render(
        request, template, status_code=status_code, t=Translator(lang), principal=principal,
        may_propose=bool(principal and principal.orgs_with(Permission.PROJECT_PROPOSE)),
        may_coordinate=bool(principal and (principal.orgs_with(Permission.COORDINATION_SEND)
                                           | principal.orgs_with(Permission.COORDINATION_ANSWER))),
        notice=_notice(request), when=local_time, day=local_day, request_key=uuid.uuid4(), **context,
    )


def request_key(data: FormData) -> str | None:
    """The key a form that creates something carries (a fresh one each time the page is shown), so
    that a second click on its button gets what the first created (services/idempotency)."""
    key = str(data.get("request_key") or "")
    if not key:
        return None
    if not re.fullmatch(KEY_PATTERN, key):
        raise Invalid("error.request_key")
    return key


def _notice(request: Request) -> str | None:
    """Only words of our own table are shown, never text from the address."""
    key = f"notice.{request.query_params.get('notice', '')}"
    return key if known(key) else None


def go(path: str, notice: str | None = None, **params: str) -> RedirectResponse:
    """After a form went through: the next page (303 so the browser GETs it), with what to say."""
    query = {**params, **({"notice": notice} if notice else {})}
    return RedirectResponse(path + (f"?{urlencode(query)}" if query else ""), status_code=303)


def typed(values: dict[str, list[str]]) -> Callable[[str], str]:
    """What the reader typed into one field, for a form shown again."""
    return lambda name: (values.get(name) or [""])[0]


class When(str):
    """A date or a time in a table cell: kept on one line, where a narrow column would break it at a hyphen."""

    when = True


def local_time(value: datetime | None) -> str:
    if value is None:
        return "—"
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(PAGE_ZONE.get()).strftime("%Y-%m-%d %H:%M")


def local_day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return local_time(value)[:10]
    return value.isoformat()


def is_overdue(due_at: datetime | None, active: bool) -> bool:
    if due_at is None or not active:
        return False
    aware = due_at if due_at.tzinfo else due_at.replace(tzinfo=UTC)
    return aware < datetime.now(UTC)
