"""Counts of projects by stage, type and domain, and progress against the plan's targets."""

from sqlalchemy import ColumnElement, Select, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.dashboard.labels import STAGE_LABELS, TYPE_LABELS
from services.dashboard.models import Measure, PlanTarget
from services.dashboard.schemas import CountRow, Dashboard, DomainGroupCount, TargetProgress
from services.pilots.models import PilotSite
from services.projects.domains import FRAMEWORK
from services.projects.models import ProjectStatus, StandardProject, StandardType

# Drafts are private to their organisation; everything past them is counted.
_COUNTED = StandardProject.status != ProjectStatus.draft
_PUBLISHED = col(StandardProject.published_at).is_not(None)


def _projects(*where: ColumnElement[bool]) -> Select:
    domain = col(StandardProject.domain)
    return select(domain, func.count()).where(_COUNTED, *where).group_by(domain)


# What each measure counts, by the domain of the project. A pilot is a site trying a standard out,
# whatever became of it.
MEASURES: dict[Measure, Select] = {
    Measure.local_and_group_published: _projects(
        _PUBLISHED, col(StandardProject.standard_type).in_([StandardType.local, StandardType.group])),
    Measure.national_international_led_or_joined: _projects(
        _PUBLISHED, col(StandardProject.standard_type).in_([StandardType.national, StandardType.international])),
    Measure.shanghai_standards: _projects(col(StandardProject.shanghai_standard).is_(True)),
    Measure.pilots: _projects().join(PilotSite, col(PilotSite.project_id) == col(StandardProject.id)),
}


async def dashboard(session: AsyncSession) -> Dashboard:
    by_stage = await _grouped(session, col(StandardProject.stage))
    by_type = await _grouped(session, col(StandardProject.standard_type))
    by_domain = await _grouped(session, col(StandardProject.domain))
    return Dashboard(
        total=sum(by_stage.values()),
        by_stage=[CountRow(code=s, label_zh=zh, label_en=en, count=by_stage.get(s, 0))
                  for s, (zh, en) in STAGE_LABELS.items()],
        by_type=[CountRow(code=t, label_zh=zh, label_en=en, count=by_type.get(t, 0))
                 for t, (zh, en) in TYPE_LABELS.items()],
        by_domain=_domain_groups(by_domain),
        targets=await target_progress(session),
    )


async def _grouped(session: AsyncSession, column) -> dict[str, int]:
    query = select(column, func.count()).where(_COUNTED).group_by(column)
    return {str(key): count for key, count in (await session.exec(query)).all()}


def _domain_groups(by_domain: dict[str, int]) -> list[DomainGroupCount]:
    """Every group and domain of the framework, those with no project too."""
    groups = []
    for group in FRAMEWORK:
        rows = [CountRow(code=d.code, label_zh=d.name_zh, label_en=d.name_en, count=by_domain.get(d.code, 0))
                for d in group.domains]
        groups.append(DomainGroupCount(code=group.code, label_zh=group.name_zh, label_en=group.name_en,
                                       count=sum(r.count for r in rows), domains=rows))
    return groups


async def target_progress(session: AsyncSession) -> list[TargetProgress]:
    targets = (await session.exec(select(PlanTarget).order_by(PlanTarget.plan_code, PlanTarget.key))).all()
    return [await _progress(session, t) for t in targets]


async def _progress(session: AsyncSession, target: PlanTarget) -> TargetProgress:
    by_domain = {domain: count for domain, count in (await session.exec(MEASURES[Measure(target.measure)])).all()}
    current = sum(by_domain.values())
    return TargetProgress(
        plan_code=target.plan_code, key=target.key, label_zh=target.label_zh, label_en=target.label_en,
        measure=target.measure, target=target.target, deadline=target.deadline, current=current,
        percent=round(100 * current / target.target, 1) if target.target else 100.0, met=current >= target.target,
        by_domain=[CountRow(**g.model_dump(exclude={"domains"})) for g in _domain_groups(by_domain)],
    )
