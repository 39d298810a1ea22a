import uuid

from fastapi import APIRouter, Request, status

from api import consent_flow, pipeline
from api.deps import IdempotencyKey, PrincipalDep, SessionDep, TemporalDep
from api.errors import refusals
from services.audit import service as audit
from services.audit.schemas import AuditEventPublic
from services.projects import service as projects
from services.projects.schemas import ProjectCreate, ProjectPublic, ProjectUpdate

router = APIRouter(prefix="/api/v1/projects", tags=["projects"], responses=refusals(401))


@router.post("", response_model=ProjectPublic, status_code=status.HTTP_201_CREATED,
             responses=refusals(400, 403, 404, 413, 422, 503))
async def create_project(
    data: ProjectCreate, request: Request, principal: PrincipalDep, client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ProjectPublic:
    """Save a new proposal as a draft, for an organisation where you hold the proposer role.

    Each organisation named in `co_drafting_org_ids` is invited: a `co_drafter_consent` task goes to its
    admins, and it takes part in the project only once one of them accepts (`co_drafter_invitations`)."""
    state = request.app.state
    return await consent_flow.create_project(
        state.sessions, client, state.settings.task_queue, principal, data, idempotency_key
    )


@router.get("", response_model=list[ProjectPublic])
async def list_projects(session: SessionDep, principal: PrincipalDep) -> list[ProjectPublic]:
    """The projects you may see, newest first."""
    return [await projects.to_public(session, p) for p in await projects.list_readable(session, principal)]


@router.get("/{project_id}", response_model=ProjectPublic, responses=refusals(404, 422))
async def get_project(project_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> ProjectPublic:
    """One project, if you may see it."""
    return await projects.to_public(session, await projects.get_readable(session, principal, project_id))


@router.patch("/{project_id}", response_model=ProjectPublic, responses=refusals(400, 403, 404, 409, 413, 422, 503))
async def update_project(
    project_id: uuid.UUID, data: ProjectUpdate, request: Request, principal: PrincipalDep, client: TemporalDep
) -> ProjectPublic:
    """Edit a proposal while it is a draft or has been returned for revision.

    `co_drafting_org_ids`, when given, is the whole list wanted: organisations accepted or invited stay
    as they are, new (or declined) ones are invited, and those left out are dropped (an open invitation
    is withdrawn)."""
    state = request.app.state
    return await consent_flow.update_project(state.sessions, client, state.settings.task_queue, principal,
                                             project_id, data)


@router.post("/{project_id}/submit", response_model=ProjectPublic, responses=refusals(403, 404, 409, 422, 503))
async def submit_project(
    project_id: uuid.UUID, request: Request, principal: PrincipalDep, client: TemporalDep
) -> ProjectPublic:
    """Submit a draft proposal to its committee, or resubmit a returned one.

    The project's workflow starts and opens a screening task for the committee's secretaries.
    """
    state = request.app.state
    return await pipeline.submit_project(state.sessions, client, state.settings, principal, project_id)


@router.get("/{project_id}/audit", response_model=list[AuditEventPublic], responses=refusals(404, 422))
async def project_audit(project_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> list[AuditEventPublic]:
    """The project's audit trail, oldest first."""
    await projects.get_readable(session, principal, project_id)
    return [AuditEventPublic.model_validate(e) for e in await audit.events_for_project(session, project_id)]
