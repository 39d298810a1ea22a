import uuid

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from services.audit import service as audit
from services.committees.models import Committee, CommitteeMember
from services.committees.service import get_committee
from services.db import utcnow
from services.errors import Conflict, Forbidden, Invalid, NotFound
from services.words import Term
from services.idempotency import service as idempotency
from services.identity.permissions import Permission
from services.identity.principal import Principal
from services.organisations.models import Organisation
from services.panels.models import Panel, PanelMember
from services.projects import co_drafters
from services.projects.co_drafters import TAKING_PART
from services.projects.models import CoDrafterState, ProjectOrganisation, ProjectStatus, Stage, StandardProject
from services.projects.schemas import CoDrafterPublic, ProjectCreate, ProjectPublic, ProjectUpdate
from services.tasks.holders import task_holder_projects

EDITABLE = (ProjectStatus.draft, ProjectStatus.returned)


def readable(principal: Principal) -> SelectOfScalar[StandardProject]:
    """Projects this principal may see: its organisations' own, those submitted to committees it
    hosts or serves on, those it reviews on an expert panel, those under public consultation, and
    those where it holds, completed or is a candidate for a task (whoever must act may see).
    A published standard's public face is the catalogue; its working papers stay with those who made it."""
    if principal.is_platform_admin:
        return select(StandardProject)
    orgs = list(principal.org_ids)
    taking_part = select(ProjectOrganisation.project_id).where(col(ProjectOrganisation.org_id).in_(orgs), TAKING_PART)
    hosting = select(Committee.id).where(col(Committee.org_id).in_(orgs))
    serving = select(CommitteeMember.committee_id).where(CommitteeMember.user_id == principal.user_id)
    reviewing = select(Panel.project_id).join(PanelMember, PanelMember.panel_id == Panel.id).where(
        PanelMember.user_id == principal.user_id
    )
    return select(StandardProject).where(
        or_(
            col(StandardProject.id).in_(taking_part),
            col(StandardProject.committee_id).in_(hosting) & (StandardProject.status != ProjectStatus.draft),
            col(StandardProject.committee_id).in_(serving) & (StandardProject.status != ProjectStatus.draft),
            (StandardProject.stage == Stage.public_consultation) & (StandardProject.status == ProjectStatus.active),
            col(StandardProject.id).in_(reviewing),
            col(StandardProject.id).in_(task_holder_projects(principal)),
        )
    )


async def readable_ids(session: AsyncSession, principal: Principal, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these projects the principal may see."""
    if not ids:
        return set()
    query = readable(principal).where(col(StandardProject.id).in_(ids)).with_only_columns(StandardProject.id)
    return set((await session.exec(query)).all())


async def get_readable(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> StandardProject:
    project = (await session.exec(readable(principal).where(StandardProject.id == project_id))).first()
    if project is None:
        raise NotFound("error.project.not_found")
    return project


async def list_readable(session: AsyncSession, principal: Principal, limit: int = 100) -> list[StandardProject]:
    query = readable(principal).order_by(col(StandardProject.created_at).desc()).limit(limit)
    return list((await session.exec(query)).all())


async def create_project(
    session: AsyncSession, principal: Principal, data: ProjectCreate, request_key: str | None = None
) -> StandardProject:
    """A new draft; sent again under the same `request_key` (services/idempotency), the same draft."""
    content = data.model_dump(mode="json")
    if request_key is not None:
        earlier = await idempotency.created_before(session, principal.user_id, request_key, "project.create", content)
        if earlier is not None:
            return await get_readable(session, principal, earlier)
    lead_org_id = _lead_org(principal, data.lead_org_id)
    await get_committee(session, data.committee_id)
    project = StandardProject(
        **data.model_dump(exclude={"lead_org_id", "co_drafting_org_ids"}),
        lead_org_id=lead_org_id,
        proposer_id=principal.user_id,
    )
    session.add(project)
    await session.flush()
    session.add(ProjectOrganisation(project_id=project.id, org_id=lead_org_id, part="lead"))
    await audit.record(
        session, action="project.created", object_type="project", object_id=project.id,
        actor_id=principal.user_id, project_id=project.id, data={"title_zh": project.title_zh},
    )
    await co_drafters.name_co_drafters(session, principal.user_id, project, data.co_drafting_org_ids)
    await session.flush()
    if request_key is not None:
        await idempotency.remember(session, principal.user_id, request_key, "project.create", content, project.id)
    return project


async def update_project(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, data: ProjectUpdate
) -> StandardProject:
    project = await get_readable(session, principal, project_id)
    principal.require(Permission.PROJECT_PROPOSE, project.lead_org_id)
    if project.status not in EDITABLE:
        raise Conflict("error.project.not_editable", status=Term.of("status", project.status))
    changes = data.model_dump(exclude_unset=True, exclude={"co_drafting_org_ids"})
    for name, value in changes.items():
        setattr(project, name, value)
    if data.co_drafting_org_ids is not None:
        await co_drafters.name_co_drafters(session, principal.user_id, project, data.co_drafting_org_ids)
    project.updated_at = utcnow()
    session.add(project)
    await audit.record(
        session, action="project.updated", object_type="project", object_id=project.id,
        actor_id=principal.user_id, project_id=project.id, data={"fields": sorted(data.model_fields_set)},
    )
    await session.flush()
    return project


async def check_submittable(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> StandardProject:
    """A proposer of the lead organisation may submit a draft or a returned proposal."""
    project = await get_readable(session, principal, project_id)
    principal.require(Permission.PROJECT_PROPOSE, project.lead_org_id)
    if project.status not in EDITABLE:
        raise Conflict("error.project.not_submittable", status=Term.of("status", project.status))
    return project


async def to_public(session: AsyncSession, project: StandardProject) -> ProjectPublic:
    """With the co-drafters that accepted, and every invitation with its state."""
    named = await co_drafters.co_drafter_links(session, project.id)
    accepted = sorted(link.org_id for link in named if link.state == CoDrafterState.accepted)
    invitations = [CoDrafterPublic.model_validate(link) for link in named]
    return ProjectPublic.model_validate(project).model_copy(
        update={"co_drafting_org_ids": accepted, "co_drafter_invitations": invitations}
    )


async def drafting_org_ids(session: AsyncSession, project_id: uuid.UUID) -> list[uuid.UUID]:
    """The lead and the co-drafters that accepted."""
    query = select(ProjectOrganisation.org_id).where(ProjectOrganisation.project_id == project_id, TAKING_PART)
    return list((await session.exec(query)).all())


def _lead_org(principal: Principal, requested: uuid.UUID | None) -> uuid.UUID:
    allowed = principal.orgs_with(Permission.PROJECT_PROPOSE)
    if not allowed:
        raise Forbidden("error.project.no_proposer_role")
    if requested is not None:
        if requested not in allowed:
            raise Forbidden("error.project.not_proposer_in_org", field="lead_org_id")
        return requested
    if len(allowed) == 1:
        return next(iter(allowed))
    raise Invalid("error.project.name_lead_org", field="lead_org_id")
