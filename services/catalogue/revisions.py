"""A published standard found wanting gets a revision project: a new draft linked to the old one."""

import uuid

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.audit import service as audit
from services.errors import NotFound
from services.projects.co_drafters import TAKING_PART
from services.projects.models import ProjectOrganisation, StandardProject


async def open_revision(
    session: AsyncSession, original_id: uuid.UUID, revision_id: uuid.UUID, *,
    actor_id: uuid.UUID | None, reasons: str, source: str,
) -> StandardProject:
    """A draft copying the standard's titles, scope, type, domain, committee, drafting organisations and
    proposer, for the proposer to edit and submit. The caller chooses the new id, so asking twice
    opens one revision."""
    existing = await session.get(StandardProject, revision_id)
    if existing is not None:
        return existing
    original = await session.get(StandardProject, original_id)
    if original is None:
        raise NotFound("error.project.not_found")
    revision = _draft_from(original, revision_id, reasons)
    session.add(revision)
    await session.flush()
    await _copy_drafting_organisations(session, original.id, revision.id)
    label = "user" if actor_id else "workflow"
    for project, data in (
        (original, {"revision_id": str(revision.id), "source": source, "reasons": reasons}),
        (revision, {"revises_id": str(original.id), "revises_number": original.number, "source": source}),
    ):
        await audit.record(session, action="project.revision_opened", object_type="project", object_id=project.id,
                           actor_id=actor_id, actor_label=label, project_id=project.id, data=data)
    return revision


def _draft_from(original: StandardProject, revision_id: uuid.UUID, reasons: str) -> StandardProject:
    number = original.number or original.title_en
    return StandardProject(
        id=revision_id, title_zh=original.title_zh, title_en=original.title_en, scope=original.scope,
        rationale=f"Revision of {number}: {reasons}" if reasons else f"Revision of {number}",
        standard_type=original.standard_type, domain=original.domain,
        relation_to_existing=f"Revises {number}", known_patents=original.known_patents,
        lead_org_id=original.lead_org_id, proposer_id=original.proposer_id, committee_id=original.committee_id,
        revises_id=original.id,
    )


async def _copy_drafting_organisations(session: AsyncSession, original_id: uuid.UUID, revision_id: uuid.UUID) -> None:
    # The co-drafters that accepted for the standard take part in its revision.
    query = select(ProjectOrganisation).where(ProjectOrganisation.project_id == original_id, TAKING_PART)
    links = (await session.exec(query)).all()
    for link in links:
        session.add(ProjectOrganisation(project_id=revision_id, org_id=link.org_id, part=link.part))
    await session.flush()
