"""One project's page, its record: its fields, the pipeline drawn as a timeline, its ballots with
their tallies, panels, pilot sites and evaluations, every event with who acted, its drafts with the
working group's upload form, its consultation comments with the comment form (while open) and the disposition forms (once
closed), your tasks on it, and the edit and submit buttons while it is a draft or returned."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData, UploadFile

from api.deps import PrincipalDep
from api.web.decision_form import Problem, describer, problems_from_pydantic, submitted_values
from api.web.i18n import language
from api.web.page_text import Translator
from api.web.pages_common import PageRoute, PageSession, go, page, request_key, typed
from api.web.record_sections import project_record_sections
from api.web.timeline_svg import draw
from services.committees.service import get_committee
from services.consultations import dispositions
from services.consultations import service as consultations
from services.consultations.models import ConsultationStatus, Disposition
from services.consultations.schemas import CommentCreate, ConsultationPublic, DispositionSet
from services.dashboard.timeline import project_record
from services.drafts import service as drafts
from services.drafts.models import DraftLabel
from services.drafts.schemas import DraftUpload
from services.errors import DomainError, Invalid, NotFound
from services.identity.permissions import Permission
from services.identity.principal import Principal
from services.identity.service import display_names
from services.organisations.service import list_organisations
from services.projects import service as projects
from services.projects.service import EDITABLE
from services.tasks import service as tasks
from services.tasks.schemas import TaskFilter

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@dataclass(frozen=True)
class Refused:
    """A form on the project page that did not go through: which one, why, and what was typed."""

    section: str  # "drafts", "comment" or "disposition:<comment id>"
    problems: list[Problem]
    data: FormData
    status: int


@router.get("/projects/{project_id}")
async def project_page(
    project_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep
) -> HTMLResponse:
    """Everything about one project the reader may see; 404 for a project they may not."""
    return await _project_view(request, session, principal, project_id)


@router.post("/projects/{project_id}/drafts")
async def upload_draft(
    project_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep
) -> Response:
    """The working group's next draft version, stored by its SHA-256."""
    data = await request.form()
    file = data.get("file")
    settings = request.app.state.settings
    try:
        if not isinstance(file, UploadFile):
            raise Invalid("error.file.choose", field="file")
        upload = DraftUpload(label=str(data.get("label") or ""), note=str(data.get("note") or ""),
                             filename=file.filename)
        await drafts.upload_draft(session, principal, project_id, upload, file.file, settings.resolved_blob_dir,
                                  settings.max_upload_bytes)
    except (ValidationError, DomainError) as exc:
        return await _refused(request, session, principal, project_id, "drafts", exc, data)
    return go(f"/projects/{project_id}", "uploaded")


@router.post("/projects/{project_id}/comments")
async def add_comment(
    project_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep
) -> Response:
    """A comment on a clause of the draft under public consultation."""
    data = await request.form()
    body = {name: str(data.get(name) or "") for name in ("clause", "comment", "proposed_change")}
    if data.get("org_id"):
        body["org_id"] = str(data.get("org_id"))
    try:
        await consultations.add_comment(session, principal, project_id, CommentCreate.model_validate(body),
                                        request_key(data))
    except (ValidationError, DomainError) as exc:
        return await _refused(request, session, principal, project_id, "comment", exc, data)
    return go(f"/projects/{project_id}", "commented")


@router.post("/comments/{comment_id}/disposition")
async def dispose_comment(
    comment_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep
) -> Response:
    """The working group's disposition of one comment, once the consultation has closed."""
    data = await request.form()
    comment = await consultations.get_comment(session, principal, comment_id)
    body = {"disposition": str(data.get("disposition") or ""), "reason": str(data.get("reason") or "")}
    try:
        await dispositions.dispose_comment(session, principal, comment_id, DispositionSet.model_validate(body))
    except (ValidationError, DomainError) as exc:
        return await _refused(request, session, principal, comment.project_id, f"disposition:{comment_id}", exc, data)
    return go(f"/projects/{comment.project_id}", "disposed")


async def _refused(
    request: Request, session: AsyncSession, principal: Principal, project_id: uuid.UUID, section: str,
    exc: ValidationError | DomainError, data: FormData,
) -> HTMLResponse:
    """The project page again, the refused form showing why; a refusal not about the form is its own page."""
    if isinstance(exc, ValidationError):
        refused = Refused(section, problems_from_pydantic(list(exc.errors())), data, 422)
    elif exc.status_code in (403, 404) and exc.field is None:
        raise exc
    else:
        refused = Refused(section, [Problem((exc.field,) if exc.field else (), exc.message, exc.key, exc.values)], data, exc.status_code)
    request.state.refused = True
    return await _project_view(request, session, principal, project_id, refused)


async def _project_view(
    request: Request, session: AsyncSession, principal: Principal, project_id: uuid.UUID,
    refused: Refused | None = None,
) -> HTMLResponse:
    project = await projects.get_readable(session, principal, project_id)
    drafting = await projects.drafting_org_ids(session, project_id)
    consultation = await _consultation(session, principal, project_id)
    closed_for_drafts = project.status in drafts.CLOSED
    t = Translator(language(request))
    orgs = {o.id: o for o in await list_organisations(session)}
    versions = await drafts.list_drafts(session, principal, project_id)
    comments = await consultations.list_comments(session, principal, project_id) if consultation else []
    trail = await project_record(session, principal, project_id)
    record = await project_record_sections(session, principal, project, trail, versions, orgs, comments,
                                           request.app.state.settings.policy_overrides, t)
    public = await projects.to_public(session, project)
    deciders = await display_names(session, {i.decided_by_id for i in public.co_drafter_invitations if i.decided_by_id})
    return page(
        request, "project.html", principal, status_code=refused.status if refused else 200,
        project=public, deciders=deciders,
        committee=await get_committee(session, project.committee_id), orgs=orgs,
        drawing=draw(trail.timeline, t), record=record,
        uploaders={str(e.actor.user_id): e.actor.display_name for e in trail.events if e.actor},
        drafts=versions, draft_labels=list(DraftLabel), consultation=consultation, comments=comments,
        my_tasks=(await tasks.list_tasks(session, principal, TaskFilter(project_id=project_id, limit=50))).items,
        may_edit=project.status in EDITABLE and principal.can(Permission.PROJECT_PROPOSE, project.lead_org_id),
        may_upload=not closed_for_drafts and _in_working_group(principal, drafting, Permission.DRAFT_UPLOAD),
        may_comment=consultation is not None and consultation.status == ConsultationStatus.open,
        may_dispose=consultation is not None and consultation.status == ConsultationStatus.closed
        and _in_working_group(principal, drafting, Permission.COMMENT_DISPOSITION),
        dispositions=list(Disposition), refused=refused, describe=describer(t, "comments.", "drafts."),
        typed=_typed(refused),
    )


def _typed(refused: Refused | None) -> Callable[[str, str], str]:
    """What the reader typed into the refused form's fields; nothing for the page's other forms."""
    values = submitted_values(refused.data) if refused else {}
    return lambda section, name: typed(values)(name) if refused and refused.section == section else ""


def _in_working_group(principal: Principal, drafting: list[uuid.UUID], permission: Permission) -> bool:
    return any(principal.can(permission, org_id) for org_id in drafting)


async def _consultation(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID
) -> ConsultationPublic | None:
    try:
        return await consultations.get_current(session, principal, project_id)
    except NotFound:
        return None
