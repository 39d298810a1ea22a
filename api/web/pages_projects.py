"""Projects: the list the reader may see, the proposal form (new and edit), and submitting a proposal."""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData

from api import consent_flow, pipeline
from api.deps import PrincipalDep, TemporalDep
from api.web.decision_form import Problem, describer, problems_from_pydantic, submitted_values
from api.web.i18n import language
from api.web.page_text import Translator
from api.web.pages_common import PageRoute, PageSession, go, page, request_key, typed
from services.committees.service import list_committees
from services.consultations import service as consultations
from services.db import transaction
from services.errors import Conflict, DomainError
from services.identity.permissions import Permission
from services.identity.principal import Principal
from services.organisations.service import list_organisations
from services.projects import service as projects
from services.projects.domains import FRAMEWORK
from services.projects.models import CoDrafterState, StandardProject, StandardType
from services.projects.schemas import ProjectCreate, ProjectPublic, ProjectUpdate

router = APIRouter(include_in_schema=False, route_class=PageRoute)

TEXT_FIELDS = ("title_zh", "title_en", "scope", "rationale", "relation_to_existing", "known_patents")
EDITABLE_FIELDS = (*TEXT_FIELDS, "domain", "target_completion")


@router.get("/projects")
async def project_list(request: Request, session: PageSession, principal: PrincipalDep) -> HTMLResponse:
    """The projects the reader may see, newest first; then the consultation comments the reader's
    organisations made, with their dispositions, whether or not their projects are still open to them."""
    found = await projects.list_readable(session, principal)
    own = await consultations.own_comments(session, principal, limit=100)
    readable = await projects.readable_ids(session, principal, {c.project_id for c in own})
    return page(request, "projects.html", principal, projects=found, own_comments=own, readable_projects=readable)


@router.get("/projects/new")
async def new_proposal(request: Request, session: PageSession, principal: PrincipalDep) -> HTMLResponse:
    """The proposal form, for holders of the proposer role."""
    principal.require(Permission.PROJECT_PROPOSE)
    return await _form_page(request, session, principal, None)


@router.post("/projects/new")
async def create_proposal(
    request: Request, session: PageSession, principal: PrincipalDep, client: TemporalDep
) -> Response:
    """Save the proposal as a draft; the form again with its problems when it is incomplete."""
    principal.require(Permission.PROJECT_PROPOSE)
    data = await request.form()
    body = {k: v for k, v in _proposal_body(data, ("standard_type", "committee_id", "lead_org_id")).items() if v}
    body["co_drafting_org_ids"] = _ids(data, "co_drafting_org_ids")
    key = request_key(data)
    state = request.app.state
    created = await _attempt(ProjectCreate, body, lambda form: consent_flow.create_project(
        state.sessions, client, state.settings.task_queue, principal, form, key))
    if isinstance(created, ProjectPublic):
        return go(f"/projects/{created.id}", "created")
    request.state.refused = True
    return await _form_page(request, session, principal, None, created, data)


@router.get("/projects/{project_id}/edit")
async def edit_proposal(
    project_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep
) -> HTMLResponse:
    """The proposal form filled in, for its lead organisation's proposers."""
    project = await projects.get_readable(session, principal, project_id)
    principal.require(Permission.PROJECT_PROPOSE, project.lead_org_id)
    return await _form_page(request, session, principal, project)


@router.post("/projects/{project_id}/edit")
async def save_proposal(
    project_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep, client: TemporalDep
) -> Response:
    """Save the edited proposal. Who may is checked in a read-only transaction: this page's own session
    stays unused until the save is done, as on SQLite it would hold the write lock the save needs."""
    async with transaction(request.app.state.sessions, read_only=True) as reading:
        project = await projects.get_readable(reading, principal, project_id)
    principal.require(Permission.PROJECT_PROPOSE, project.lead_org_id)
    data = await request.form()
    body = {**_proposal_body(data, ()), "co_drafting_org_ids": _ids(data, "co_drafting_org_ids")}
    body["target_completion"] = body["target_completion"] or None
    state = request.app.state
    saved = await _attempt(ProjectUpdate, body, lambda form: consent_flow.update_project(
        state.sessions, client, state.settings.task_queue, principal, project_id, form))
    if isinstance(saved, ProjectPublic):
        return go(f"/projects/{project_id}", "saved")
    request.state.refused = True
    project = await projects.get_readable(session, principal, project_id)
    return await _form_page(request, session, principal, project, saved, data)


@router.post("/projects/{project_id}/submit")
async def submit_proposal(
    project_id: uuid.UUID, request: Request, principal: PrincipalDep, client: TemporalDep
) -> Response:
    """Submit a draft, or resubmit a returned proposal, through the same pipeline as the API."""
    state = request.app.state
    await pipeline.submit_project(
        state.sessions, client, state.settings, principal, project_id
    )
    return go(f"/projects/{project_id}", "submitted")


def _proposal_body(data: FormData, extra: tuple[str, ...]) -> dict[str, str]:
    return {name: value.strip() if isinstance(value := data.get(name), str) else ""
            for name in (*EDITABLE_FIELDS, *extra)}


def _ids(data: FormData, name: str) -> list[str]:
    return [v for v in data.getlist(name) if isinstance(v, str) and v]


async def _attempt(model: type[BaseModel], body: dict, save) -> ProjectPublic | list[Problem]:  # noqa: ANN001
    """The saved project, or what is wrong with the form (its own checks, then the service's)."""
    try:
        return await save(model.model_validate(body))
    except ValidationError as exc:
        return problems_from_pydantic(list(exc.errors()))
    except DomainError as exc:
        if exc.field is None and not isinstance(exc, Conflict):
            raise
        return [Problem((exc.field,) if exc.field else (), exc.message, exc.key, exc.values)]


async def _form_page(
    request: Request, session: AsyncSession, principal: Principal, project: StandardProject | None,
    problems: list[Problem] | None = None, data: FormData | None = None,
) -> HTMLResponse:
    t = Translator(language(request))
    values = submitted_values(data) if data is not None else await _current_values(session, project)
    lead_orgs = principal.orgs_with(Permission.PROJECT_PROPOSE)
    orgs = await list_organisations(session)
    return page(
        request, "project_form.html", principal, status_code=422 if problems else 200, project=project,
        values=values, value=typed(values), problems=problems or [], describe=describer(t, "project."),
        committees=await list_committees(session), organisations=orgs,
        lead_orgs=[o for o in orgs if o.id in lead_orgs], framework=FRAMEWORK, types=list(StandardType),
    )


async def _current_values(session: AsyncSession, project: StandardProject | None) -> dict[str, list[str]]:
    if project is None:
        return {}
    public = await projects.to_public(session, project)
    values = {name: [str(getattr(project, name) or "")] for name in (*EDITABLE_FIELDS, "standard_type", "committee_id")}
    named = [str(i.org_id) for i in public.co_drafter_invitations if i.state != CoDrafterState.declined]
    return {**values, "co_drafting_org_ids": named}
