"""The start page and the inbox: the reader's tasks, filtered and paged, with claim and give-back."""

import uuid
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import PrincipalDep
from api.web.pages_common import PageRoute, PageSession, go, is_overdue, optional_principal, page
from services.errors import Invalid
from services.identity.principal import Principal
from services.projects import service as projects
from services.projects.models import StandardProject
from services.tasks import feed, service as tasks
from services.tasks.models import ACTIVE_STATES, TaskState
from services.tasks.schemas import TaskFilter, TaskPublic, TaskScope, TaskSort, TaskSummary

router = APIRouter(include_in_schema=False, route_class=PageRoute)
PAGE_SIZE = 20
SCOPE = set(TaskScope.model_fields)  # the filters the counts share with the list
DEFAULTS = {("assigned", "any"), ("sort", TaskSort.due.value)}  # left out of the inbox's links


@dataclass(frozen=True)
class ProjectLink:
    title_zh: str
    title_en: str
    href: str
    project: StandardProject


@dataclass(frozen=True)
class InboxRow:
    task: TaskPublic
    project: ProjectLink | None
    holder: str | tuple[str, str]  # "me", "person", or the (organisation code, role) it is offered to
    overdue: bool
    may_claim: bool
    may_unclaim: bool


@dataclass(frozen=True)
class Scope:
    name: str  # inbox.assigned.<name> is its label
    count: int
    url: str  # the inbox in this scope, keeping the kind, sort and project chosen
    current: bool


@router.get("/")
async def home(request: Request) -> Response:
    """The signed-in reader's inbox; the sign-in page for anyone else."""
    if await optional_principal(request) is None:
        return RedirectResponse("/login?next=/inbox", status_code=303)
    return RedirectResponse("/inbox", status_code=303)


@router.get("/inbox")
async def inbox(
    request: Request, session: PageSession, principal: PrincipalDep,
    assigned: Literal["any", "me", "candidate"] = "any", kind: str = "", overdue: bool = False, cursor: str = "",
    project_id: uuid.UUID | None = None, sort: TaskSort = TaskSort.due,
) -> HTMLResponse:
    """Tasks assigned to the reader and offered to their roles, soonest due first (or by priority, or
    oldest first), with how many each scope and each kind the reader can receive holds; `project_id`
    keeps one project's."""
    try:
        flt = TaskFilter(assigned=assigned, kind=kind or None, overdue=overdue, cursor=cursor or None,
                         limit=PAGE_SIZE, project_id=project_id, sort=sort)
    except ValidationError as exc:
        raise Invalid("error.inbox.filter", reason=exc.errors()[0]["msg"]) from exc
    found = await tasks.list_tasks(session, principal, flt)
    summary = await tasks.summarise(session, principal, TaskScope.model_validate(flt.model_dump(include=SCOPE)))
    rows = await inbox_rows(session, principal, found.items)
    filters = {"assigned": assigned, "kind": kind, "overdue": "1" if overdue else "", "sort": sort.value,
               "project_id": str(project_id or "")}
    return page(request, "inbox.html", principal, rows=rows, filters=filters, paged=bool(cursor),
                first_url=_inbox_url(filters), next_url=found.next_cursor and _inbox_url(filters, found.next_cursor),
                kinds=summary.kinds, sorts=list(TaskSort), scopes=_scopes(summary, filters),
                scope_fields=_shown({k: filters[k] for k in ("assigned", "overdue", "project_id")}))


def _scopes(summary: TaskSummary, filters: dict[str, str]) -> list[Scope]:
    counts, current = summary.scopes, (filters["assigned"], filters["overdue"])
    scopes = [("any", "any", "", counts.any), ("me", "me", "", counts.me),
              ("candidate", "candidate", "", counts.candidate), ("overdue", "any", "1", counts.overdue)]
    return [Scope(name, count, _inbox_url({**filters, "assigned": assigned, "overdue": overdue}),
                  (assigned, overdue) == current)
            for name, assigned, overdue, count in scopes]


def _inbox_url(filters: dict[str, str], cursor: str = "") -> str:
    shown = _shown({**filters, "cursor": cursor})
    return "/inbox" + (f"?{urlencode(shown)}" if shown else "")


def _shown(filters: dict[str, str]) -> dict[str, str]:
    """The filters a link or the filter form carries: those set, and not to their default."""
    return {k: v for k, v in filters.items() if v and (k, v) not in DEFAULTS}


async def inbox_rows(session: AsyncSession, principal: Principal, items: list[TaskPublic]) -> list[InboxRow]:
    titles = await project_links(session, principal, {i.project_id for i in items if i.project_id})
    return [
        InboxRow(
            task=item, project=titles.get(item.project_id), holder=_holder(principal, item),
            overdue=is_overdue(item.due_at, item.state in ACTIVE_STATES),
            may_claim=may_claim(principal, item), may_unclaim=may_unclaim(principal, item),
        )
        for item in items
    ]


async def project_links(
    session: AsyncSession, principal: Principal, ids: set[uuid.UUID]
) -> dict[uuid.UUID, ProjectLink]:
    """Each task's project, linked to its page: whoever holds or may take a task of a project may read it."""
    if not ids:
        return {}
    query = projects.readable(principal).where(col(StandardProject.id).in_(ids))
    found = (await session.exec(query)).all()
    return {p.id: ProjectLink(p.title_zh, p.title_en, f"/projects/{p.id}", p) for p in found}


def _holder(principal: Principal, task: TaskPublic) -> str | tuple[str, str]:
    if task.assignee_id == principal.user_id:
        return "me"
    if task.assignee_id is not None or task.candidate_org_id is None:
        return "person"
    code = next((m.org_code for m in principal.memberships if m.org_id == task.candidate_org_id), "")
    return code, task.candidate_role or ""


def may_claim(principal: Principal, task: TaskPublic) -> bool:
    return (task.state == TaskState.open and task.assignee_id is None
            and (task.candidate_org_id, task.candidate_role) in principal.candidate_slots)


def may_unclaim(principal: Principal, task: TaskPublic) -> bool:
    return (task.state == TaskState.claimed and task.assignee_id == principal.user_id
            and task.candidate_org_id is not None)


@router.post("/tasks/{task_id}/claim")
async def claim(task_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep) -> Response:
    """Take a task offered to one of the reader's roles, then go back where the button was."""
    await feed.announce_claim(session, await tasks.claim(session, principal, task_id), claimed=True)
    path, query = await _back(request, f"/tasks/{task_id}")
    return go(path, "claimed", **query)


@router.post("/tasks/{task_id}/unclaim")
async def unclaim(task_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep) -> Response:
    """Give a claimed task back to everyone it is offered to."""
    await feed.announce_claim(session, await tasks.unclaim(session, principal, task_id), claimed=False)
    path, query = await _back(request, f"/tasks/{task_id}")
    return go(path, "unclaimed", **query)


async def _back(request: Request, default: str) -> tuple[str, dict[str, str]]:
    """The page the button was on (its "back" field), when it is a page of this site, with its query."""
    back = (await request.form()).get("back")
    if not (isinstance(back, str) and back.startswith("/") and not back.startswith("//") and "\\" not in back):
        return default, {}
    path, _, query = back.partition("?")
    return path, {k: v for k, v in parse_qsl(query) if k != "notice"}
