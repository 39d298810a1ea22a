"""The public catalogue of published standards (no sign-in), the reader's notifications, and the
dashboard of counts and plan targets."""

import uuid
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.deps import PrincipalDep
from api.web.pages_common import OptionalPrincipal, PageRoute, PageSession, go, page
from services.catalogue import service as catalogue
from services.catalogue.schemas import CatalogueQuery
from services.dashboard import service as dashboard
from services.drafts.filetypes import SUFFIXES
from services.errors import Invalid, NotFound
from services.notifications import service as notifications
from services.notifications.schemas import NotificationFilter
from services.projects import service as projects
from services.projects.domains import FRAMEWORK
from services.projects.models import StandardType

router = APIRouter(include_in_schema=False, route_class=PageRoute)
CATALOGUE_PAGE = 20
NOTIFICATIONS_PAGE = 30


@router.get("/catalogue")
async def catalogue_search(
    request: Request, session: PageSession, reader: OptionalPrincipal, q: str = "",
    type: str = "",  # noqa: A002 - the query's name
    domain: str = "", year: str = "", offset: int = 0,
) -> HTMLResponse:
    """Published standards, newest first, found by text in the title or number, type, domain and year."""
    asked = {"q": q.strip(), "type": type, "domain": domain, "year": year.strip()}
    try:
        query = CatalogueQuery(**{k: v for k, v in asked.items() if v}, limit=CATALOGUE_PAGE, offset=offset)
    except ValidationError as exc:
        raise Invalid("error.catalogue.search", reason=exc.errors()[0]["msg"]) from exc
    found = await catalogue.search(session, query)
    here = {k: v for k, v in asked.items() if v}
    return page(
        request, "catalogue.html", reader, found=found, asked=asked,
        types=list(StandardType), framework=FRAMEWORK,
        previous_url=offset and _catalogue_url(here, max(offset - CATALOGUE_PAGE, 0)),
        next_url=offset + CATALOGUE_PAGE < found.total and _catalogue_url(here, offset + CATALOGUE_PAGE),
    )


def _catalogue_url(asked: dict[str, str], offset: int) -> str:
    query = {**asked, **({"offset": str(offset)} if offset else {})}
    return "/catalogue" + (f"?{urlencode(query)}" if query else "")


@router.get("/catalogue/{project_id}")
async def catalogue_entry(
    project_id: uuid.UUID, request: Request, session: PageSession, reader: OptionalPrincipal
) -> HTMLResponse:
    """One published standard, with its text to download; 404 for anything not published."""
    entry = await catalogue.get_entry(session, project_id)
    try:
        _, text = await catalogue.published_text(session, project_id)
    except NotFound:
        text = None  # published with no text uploaded here
    return page(request, "catalogue_entry.html", reader, entry=entry, text=text,
                text_kind=text and SUFFIXES.get(text.content_type, "").lstrip(".").upper())


@router.get("/notifications")
async def notification_list(
    request: Request, session: PageSession, principal: PrincipalDep, unread: bool = False, cursor: str = "",
) -> HTMLResponse:
    """The reader's notifications, newest first: new tasks, reminders and escalations."""
    flt = NotificationFilter(unread=unread, cursor=cursor or None, limit=NOTIFICATIONS_PAGE)
    found = await notifications.list_notifications(session, principal, flt)
    # A notice may concern a project its reader cannot open (a pilot site's lead, an evaluator from
    # another organisation): it links to the task only.
    readable = await projects.readable_ids(session, principal, {n.project_id for n in found.items if n.project_id})
    filters = {"unread": "1"} if unread else {}
    return page(
        request, "notifications.html", principal, found=found, unread_only=unread, paged=bool(cursor),
        readable_projects=readable,
        first_url=_notifications_url(filters),
        next_url=found.next_cursor and _notifications_url({**filters, "cursor": found.next_cursor}),
    )


def _notifications_url(query: dict[str, str]) -> str:
    return "/notifications" + (f"?{urlencode(query)}" if query else "")


@router.post("/notifications/{notification_id}/read")
async def mark_read(
    notification_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep
) -> Response:
    """Mark one notification read, and stay on the list as it was."""
    await notifications.mark_read(session, principal, notification_id)
    unread = (await request.form()).get("unread")
    return go("/notifications", **({"unread": "1"} if unread else {}))


@router.get("/dashboard")
async def dashboard_page(request: Request, session: PageSession, principal: PrincipalDep) -> HTMLResponse:
    """Projects by stage, type and domain, and progress against the plan's targets."""
    return page(request, "dashboard.html", principal, board=await dashboard.dashboard(session))
