"""Pilots: what enrolling a site commits it to; for a site, what it must report and when, and what
it has reported; for the evaluation, every site's reports and metrics side by side."""

import uuid
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from api.web.material import builds
from api.web.material.common import (
    Fact, Link, Table, org_name, organisations, project_policy, readable_project,
)
from api.web.page_text import Translator
from api.web.pages_common import When, local_day, local_time
from services.identity.principal import Principal
from services.pilots import service as pilots
from services.pilots.models import PilotSite
from services.pilots.schemas import PilotSiteDetail
from services.projects.models import StandardProject
from services.tasks.models import Task, TaskState


def _rhythm(project: StandardProject, t: Translator) -> Fact:
    policy = project_policy(project)
    return Fact(t("mat.pilot.rhythm"), t("mat.pilot.rhythm_words", months=policy.pilot_months,
                                           days=policy.report_interval_days, missed=policy.missed_reports_flag))


@builds("enrol_pilot_sites")
async def enrol(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    project = await readable_project(session, principal, task.project_id)
    facts = [Fact(t("col.project"), t.title(project), f"/projects/{project.id}"),
             Fact(t("project.number"), project.number or t("none")), _rhythm(project, t)]
    return {"facts": facts}


def _report_name(task: Task, t: Translator) -> str:
    period = task.context.get("period")
    return t(f"mat.report.{task.kind}", period=period or "")


def _state(task: Task, t: Translator) -> str:
    if task.state == TaskState.completed:
        return t("mat.report.done", at=local_time(task.completed_at))
    return t(f"state.{task.state}")


def _schedule(asked: list[Task], t: Translator) -> Table:
    rows = [[Link(_report_name(task, t), f"/tasks/{task.id}"), When(local_time(task.due_at)), _state(task, t)]
            for task in asked]
    return Table([t("mat.col.report"), t("col.due"), t("col.state")], rows)


async def _site_of(session: AsyncSession, principal: Principal, task: Task) -> PilotSite:
    return await pilots.get_readable(session, principal, uuid.UUID(task.context["site_id"]))


@builds("pilot_plan", "pilot_progress_report", "pilot_final_report", "pilot_site_flagged")
async def site_reports(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    project = await readable_project(session, principal, task.project_id)
    site = await _site_of(session, principal, task)
    detail = await pilots.to_detail(session, site)
    orgs = await organisations(session)
    facts = [Fact(t("mat.pilot.site"), org_name(orgs.get(site.org_id), t)),
             Fact(t("mat.pilot.asked"), t(f"mat.pilot.asked.{task.kind}")), _rhythm(project, t)]
    if detail.start_date:
        end = local_day(detail.ends_at) if detail.ends_at else "—"
        facts.append(Fact(t("mat.pilot.period"), f"{local_day(detail.start_date)} – {end}"))
    if detail.plan:
        facts.append(Fact(t("field.plan"), detail.plan))
    return {"facts": facts, "schedule": _schedule(await pilots.report_tasks(session, site), t),
            "reports": _reports_table([detail], t)}


def _metrics(metrics: dict[str, float]) -> str:
    return "; ".join(f"{name} = {value:g}" for name, value in metrics.items())


def _reports_table(sites: list[PilotSiteDetail], t: Translator) -> Table:
    rows = [[t.pick(site.org_name_zh, site.org_name_en),
             t("mat.report.final") if report.kind == "final" else t("mat.report.progress", period=report.period),
             When(local_day(report.submitted_at)), report.text, _metrics(report.metrics)]
            for site in sites for report in site.reports]
    return Table([t("mat.pilot.site"), t("mat.col.report"), t("mat.col.date"), t("mat.col.progress"),
                  t("mat.col.metrics")], rows)


@builds("evaluate_implementation")
async def evaluation(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    project = await readable_project(session, principal, task.project_id)
    sites = [await pilots.to_detail(session, s) for s in await pilots.list_for_project(session, principal, project.id)]
    states = [[t.pick(s.org_name_zh, s.org_name_en), t(f"mat.site.{s.status}"), t("yes") if s.flagged else t("no")]
              for s in sites]
    published = local_day(project.published_at) if project.published_at else t("none")
    facts = [Fact(t("project.number"), project.number or t("none")), Fact(t("project.published_at"), published)]
    return {"facts": facts,
            "sites": Table([t("mat.pilot.site"), t("col.state"), t("mat.pilot.flagged")], states),
            "reports": _reports_table(sites, t)}
