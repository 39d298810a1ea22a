"""Pilot sites: who may host one, what they report, and who may read it."""

import uuid
from datetime import date, datetime

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from services.db import utcnow
from services.errors import Invalid, NotFound
from services.words import Phrase, Term
from services.identity.models import Membership, MembershipState
from services.identity.permissions import Role
from services.identity.principal import Principal
from services.organisations.models import Organisation, OrgKind
from services.pilots.models import PilotReport, PilotReportKind, PilotSite, PilotSiteStatus
from services.pilots.schemas import PilotReportPublic, PilotSiteDetail, PilotSitePublic
from services.projects import service as projects
from services.projects.models import StandardProject
from services.tasks.models import Task

HOST_KINDS = (OrgKind.district, OrgKind.enterprise)
REPORT_KINDS = ("pilot_plan", "pilot_progress_report", "pilot_final_report")


def readable(principal: Principal) -> SelectOfScalar[PilotSite]:
    """Sites of projects the principal may read, and the sites its own organisations host."""
    visible_projects = projects.readable(principal).with_only_columns(col(StandardProject.id))
    return select(PilotSite).where(
        or_(col(PilotSite.project_id).in_(visible_projects), col(PilotSite.org_id).in_(list(principal.org_ids)))
    )


async def get_readable(session: AsyncSession, principal: Principal, site_id: uuid.UUID) -> PilotSite:
    site = (await session.exec(readable(principal).where(PilotSite.id == site_id))).first()
    if site is None:
        raise NotFound("error.pilot.not_found")
    return site


async def list_for_project(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> list[PilotSite]:
    query = readable(principal).where(PilotSite.project_id == project_id).order_by(col(PilotSite.enrolled_at))
    sites = list((await session.exec(query)).all())
    if not sites:
        await projects.get_readable(session, principal, project_id)  # 404 for a project out of sight
    return sites


async def to_public(session: AsyncSession, site: PilotSite) -> PilotSitePublic:
    org = await session.get(Organisation, site.org_id)
    return PilotSitePublic.model_validate(site).model_copy(
        update={"org_code": org.code, "org_name_zh": org.name_zh, "org_name_en": org.name_en}
    )


async def to_detail(session: AsyncSession, site: PilotSite) -> PilotSiteDetail:
    query = select(PilotReport).where(PilotReport.site_id == site.id).order_by(
        col(PilotReport.submitted_at), col(PilotReport.period)
    )
    reports = [PilotReportPublic.model_validate(r) for r in (await session.exec(query)).all()]
    return PilotSiteDetail(**(await to_public(session, site)).model_dump(), reports=reports)


async def check_hosts(session: AsyncSession, org_ids: list[uuid.UUID]) -> None:
    """Each organisation exists, is a district or an enterprise, and has someone to lead its pilot."""
    orgs = {o.id: o for o in (await session.exec(select(Organisation).where(col(Organisation.id).in_(org_ids))))}
    leads_query = select(Membership.org_id).where(
        col(Membership.org_id).in_(org_ids), Membership.role == Role.pilot_lead.value, Membership.state == MembershipState.active
    )
    with_leads = set((await session.exec(leads_query)).all())
    problems = []
    for org_id in org_ids:
        org = orgs.get(org_id)
        if org is None:
            problems.append(Phrase("error.pilot.not_org", {"org": str(org_id)}))
        elif org.kind not in HOST_KINDS:
            problems.append(Phrase("error.pilot.wrong_kind", {"org": org.code, "kind": Term.of("orgkind", org.kind)}))
        elif org_id not in with_leads:
            problems.append(Phrase("error.pilot.no_lead", {"org": org.code}))
    if problems:
        raise Invalid("error.pilot.hosts", field="site_org_ids", problems=problems)


async def enrol_site(
    session: AsyncSession, project_id: uuid.UUID, org_id: uuid.UUID, workflow_id: str, enrolled_by_id: uuid.UUID
) -> PilotSite:
    """The site's row; enrolling the same organisation in the same project again finds the first one."""
    query = select(PilotSite).where(PilotSite.project_id == project_id, PilotSite.org_id == org_id)
    site = (await session.exec(query)).first()
    if site is None:
        site = PilotSite(project_id=project_id, org_id=org_id, workflow_id=workflow_id, enrolled_by_id=enrolled_by_id)
        session.add(site)
        await session.flush()
    return site


async def _site(session: AsyncSession, site_id: uuid.UUID) -> PilotSite:
    site = await session.get(PilotSite, site_id)
    if site is None:
        raise NotFound("error.pilot.not_found")
    return site


async def record_plan(
    session: AsyncSession, site_id: uuid.UUID, plan: str, start_date: date, ends_at: datetime
) -> PilotSite:
    site = await _site(session, site_id)
    site.plan, site.start_date, site.ends_at = plan, start_date, ends_at
    site.status = PilotSiteStatus.running
    site.missed_in_a_row = 0
    session.add(site)
    await session.flush()
    return site


async def record_report(
    session: AsyncSession, site_id: uuid.UUID, task_id: uuid.UUID, kind: PilotReportKind, period: int,
    text: str, metrics: dict[str, float], submitted_by_id: uuid.UUID,
) -> PilotReport:
    """A report answers one task; the same task reported again returns the first report."""
    existing = (await session.exec(select(PilotReport).where(PilotReport.task_id == task_id))).first()
    if existing is not None:
        return existing
    site = await _site(session, site_id)
    report = PilotReport(site_id=site_id, task_id=task_id, kind=kind, period=period, text=text, metrics=metrics,
                         submitted_by_id=submitted_by_id)
    site.missed_in_a_row = 0
    if kind == PilotReportKind.final:
        site.status, site.completed_at = PilotSiteStatus.completed, utcnow()
    session.add_all([report, site])
    await session.flush()
    return report


async def record_missed(session: AsyncSession, site_id: uuid.UUID, missed_in_a_row: int, flag: bool) -> PilotSite:
    site = await _site(session, site_id)
    site.missed_in_a_row = missed_in_a_row
    if flag and not site.flagged:
        site.flagged, site.flagged_at = True, utcnow()
    session.add(site)
    await session.flush()
    return site


async def lapse_site(session: AsyncSession, site_id: uuid.UUID) -> PilotSite:
    site = await _site(session, site_id)
    site.status, site.completed_at = PilotSiteStatus.lapsed, utcnow()
    session.add(site)
    await session.flush()
    return site


async def report_tasks(session: AsyncSession, site: PilotSite) -> list[Task]:
    """What the site has been asked for so far, oldest first: its plan and report tasks, each with its
    due date and whether it was done (one site per project and organisation, so these are its own)."""
    query = select(Task).where(
        Task.project_id == site.project_id, Task.candidate_org_id == site.org_id, col(Task.kind).in_(REPORT_KINDS)
    ).order_by(col(Task.created_at))
    return list((await session.exec(query)).all())


async def piloted_projects(session: AsyncSession, principal: Principal) -> list[StandardProject]:
    """The projects the principal's organisations pilot, newest enrolment first: a district links its
    coordination requests to them, though it may not read their working papers."""
    query = (
        select(StandardProject, PilotSite.enrolled_at)
        .join(PilotSite, col(PilotSite.project_id) == col(StandardProject.id))
        .where(col(PilotSite.org_id).in_(list(principal.org_ids)))
        .order_by(col(PilotSite.enrolled_at).desc())
    )
    found: dict[uuid.UUID, StandardProject] = {}
    for project, _ in (await session.exec(query)).all():
        found.setdefault(project.id, project)
    return list(found.values())
