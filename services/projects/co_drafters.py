"""Co-drafters by consent: an organisation the proposer names is invited, and takes part in the
project (reads it, drafts, is told its outcomes, keeps its experts off the panel) only once one of
its admins accepts. A declined invitation stays on the record; naming the organisation again invites
it again."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.audit import service as audit
from services.db import utcnow
from services.errors import Invalid
from services.organisations.models import Organisation
from services.projects.models import CoDrafterState, ProjectOrganisation, StandardProject

CO_DRAFTER = "co_drafter"
# The one clause every reader of ProjectOrganisation adds: the lead, and co-drafters that accepted.
TAKING_PART = ProjectOrganisation.state == CoDrafterState.accepted


@dataclass(frozen=True)
class Invitation:
    """What the consent workflow (workflows/consent/workflow.py) is started with."""

    link_id: uuid.UUID
    project_id: uuid.UUID
    org_id: uuid.UUID
    workflow_id: str
    invited_by_id: uuid.UUID | None


@dataclass(frozen=True)
class CoDrafterDecision:
    """A decision written: `applied` is false when the invitation was withdrawn (or decided) before."""

    applied: bool
    org_id: uuid.UUID | None = None
    org_code: str = ""
    name_zh: str = ""
    name_en: str = ""


def consent_workflow_id() -> str:
    return f"co-drafter-{uuid.uuid4()}"


async def name_co_drafters(
    session: AsyncSession, actor_id: uuid.UUID, project: StandardProject, org_ids: list[uuid.UUID]
) -> None:
    """The co-drafters the proposer wants: ones accepted or invited stay as they are; new ones and
    declined ones named again are invited; ones left out (accepted or invited) are dropped."""
    wanted = await _existing_orgs(session, org_ids, exclude=project.lead_org_id)
    current = {link.org_id: link for link in await co_drafter_links(session, project.id)}
    for org_id, link in current.items():
        if org_id not in wanted and link.state != CoDrafterState.declined:
            await session.delete(link)
            await _audit(session, "project.co_drafter_dropped", actor_id, project.id, org_id)
    for org_id in wanted:
        link = current.get(org_id)
        if link is not None and link.state != CoDrafterState.declined:
            continue
        link = link or ProjectOrganisation(project_id=project.id, org_id=org_id, part=CO_DRAFTER)
        link.state, link.invited_by_id, link.invited_at = CoDrafterState.invited, actor_id, utcnow()
        link.workflow_id, link.decided_by_id, link.decided_at, link.decision_comment = (
            consent_workflow_id(), None, None, "")
        session.add(link)
        await _audit(session, "project.co_drafter_invited", actor_id, project.id, org_id)
    await session.flush()


async def co_drafter_links(session: AsyncSession, project_id: uuid.UUID) -> list[ProjectOrganisation]:
    """Every co-drafter named, in any state."""
    query = select(ProjectOrganisation).where(
        ProjectOrganisation.project_id == project_id, ProjectOrganisation.part == CO_DRAFTER
    ).order_by(col(ProjectOrganisation.invited_at))
    return list((await session.exec(query)).all())


async def open_invitations(session: AsyncSession, project_id: uuid.UUID) -> list[Invitation]:
    return [
        Invitation(link_id=link.id, project_id=project_id, org_id=link.org_id, workflow_id=link.workflow_id,
                   invited_by_id=link.invited_by_id)
        for link in await co_drafter_links(session, project_id)
        if link.state == CoDrafterState.invited and link.workflow_id
    ]


async def still_invited(session: AsyncSession, link_id: uuid.UUID, workflow_id: str) -> bool:
    link = await session.get(ProjectOrganisation, link_id)
    return link is not None and link.workflow_id == workflow_id and link.state == CoDrafterState.invited


async def record_decision(
    session: AsyncSession, link_id: uuid.UUID, workflow_id: str, accepted: bool, actor_id: uuid.UUID, comment: str
) -> CoDrafterDecision:
    """The organisation's admin accepted or declined. Written once: an invitation dropped meanwhile,
    or one the same workflow decided before (a retried activity), is left as it is."""
    link = await session.get(ProjectOrganisation, link_id)
    if link is None or link.workflow_id != workflow_id:
        return CoDrafterDecision(applied=False)
    org = await session.get(Organisation, link.org_id)
    if link.state == CoDrafterState.invited:
        link.state = CoDrafterState.accepted if accepted else CoDrafterState.declined
        link.decided_by_id, link.decided_at, link.decision_comment = actor_id, utcnow(), comment
        session.add(link)
        await session.flush()
    return CoDrafterDecision(applied=True, org_id=org.id, org_code=org.code, name_zh=org.name_zh,
                             name_en=org.name_en)


@dataclass(frozen=True)
class CoDrafterStatus:
    org_id: uuid.UUID
    state: CoDrafterState
    invited_at: datetime | None
    decided_by_id: uuid.UUID | None
    decided_at: datetime | None
    comment: str


async def statuses(session: AsyncSession, project_id: uuid.UUID) -> list[CoDrafterStatus]:
    return [
        CoDrafterStatus(org_id=link.org_id, state=link.state, invited_at=link.invited_at,
                        decided_by_id=link.decided_by_id, decided_at=link.decided_at, comment=link.decision_comment)
        for link in await co_drafter_links(session, project_id)
    ]


async def _existing_orgs(session: AsyncSession, org_ids: list[uuid.UUID], exclude: uuid.UUID) -> list[uuid.UUID]:
    wanted = list(dict.fromkeys(o for o in org_ids if o != exclude))
    if not wanted:
        return []
    found = set((await session.exec(select(Organisation.id).where(col(Organisation.id).in_(wanted)))).all())
    missing = [str(o) for o in wanted if o not in found]
    if missing:
        raise Invalid("error.project.unknown_co_drafters", field="co_drafting_org_ids", orgs=", ".join(missing))
    return wanted


async def _audit(session: AsyncSession, action: str, actor_id: uuid.UUID, project_id: uuid.UUID,
                 org_id: uuid.UUID) -> None:
    await audit.record(session, action=action, object_type="project", object_id=project_id, actor_id=actor_id,
                       project_id=project_id, data={"org_id": str(org_id)})
