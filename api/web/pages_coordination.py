"""Coordination requests between organisations: the ones the reader's organisations sent or hold, the
form a coordinator sends one with, and one request with its history. Answering happens in the
receiving coordinators' inbox (an `answer_coordination` task)."""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData

from api import coordination_flow
from api.deps import PrincipalDep, TemporalDep
from api.web.decision_form import Problem, describer, problems_from_pydantic, submitted_values
from api.web.i18n import language
from api.web.page_text import Translator
from api.web.pages_common import PageRoute, PageSession, go, page, typed
from services.coordination import service as coordination
from services.coordination.schemas import CoordinationRequestCreate
from services.errors import Conflict, Invalid
from services.identity.permissions import Permission
from services.identity.principal import Principal
from services.organisations.service import list_organisations
from services.pilots import service as pilots
from services.projects import service as projects
from services.projects.models import StandardProject

router = APIRouter(include_in_schema=False, route_class=PageRoute)
FIELDS = ("to_org_id", "subject", "body", "due_date", "project_id", "from_org_id")


@router.get("/coordination")
async def requests_page(request: Request, session: PageSession, principal: PrincipalDep) -> HTMLResponse:
    """Requests the reader's organisations sent, and those sent or forwarded to them; the send form."""
    return await _list_view(request, session, principal)


@router.post("/coordination")
async def send_request(
    request: Request, session: PageSession, principal: PrincipalDep, client: TemporalDep
) -> Response:
    """Send a request; its workflow puts it in the receiving organisation's coordinators' inboxes."""
    principal.require(Permission.COORDINATION_SEND)
    data = await request.form()
    body = {name: value.strip() for name in FIELDS if isinstance(value := data.get(name), str) and value.strip()}
    state = request.app.state
    try:
        sent = await coordination_flow.send_request(
            state.sessions, client, state.settings.task_queue, principal, CoordinationRequestCreate.model_validate(body)
        )
    except ValidationError as exc:
        problems = problems_from_pydantic(list(exc.errors()))
    except (Invalid, Conflict) as exc:
        problems = [Problem((exc.field,) if exc.field else (), exc.message, exc.key, exc.values)]
    else:
        return go(f"/coordination/{sent.id}", "sent")
    request.state.refused = True
    return await _list_view(request, session, principal, problems, data)


@router.get("/coordination/{request_id}")
async def request_page(
    request_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep
) -> HTMLResponse:
    """One request with its history, for the organisations it went through."""
    found = await coordination.to_detail(session, await coordination.get_readable(session, principal, request_id))
    return page(request, "coordination_request.html", principal, item=found,
                orgs={o.id: o for o in await list_organisations(session)})


async def _list_view(
    request: Request, session: AsyncSession, principal: Principal,
    problems: list[Problem] | None = None, data: FormData | None = None,
) -> HTMLResponse:
    t = Translator(language(request))
    senders = principal.orgs_with(Permission.COORDINATION_SEND)
    orgs = await list_organisations(session)
    values = submitted_values(data)
    return page(
        request, "coordination.html", principal, status_code=422 if problems else 200,
        requests=await coordination.list_mine(session, principal), orgs={o.id: o for o in orgs},
        senders=[o for o in orgs if o.id in senders], receivers=[o for o in orgs if o.id not in senders],
        projects=await _linkable_projects(session, principal) if senders else [],
        problems=problems or [], describe=describer(t, "coord."), value=typed(values),
    )


async def _linkable_projects(session: AsyncSession, principal: Principal) -> list[StandardProject]:
    """The projects a request may belong to: those the reader's organisations pilot first (a district
    asks about the pilot it runs), then the others it may read."""
    piloted = await pilots.piloted_projects(session, principal)
    others = [p for p in await projects.list_readable(session, principal) if p.id not in {q.id for q in piloted}]
    return [*piloted, *others]
