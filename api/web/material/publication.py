"""Approving publication and reviewing a published standard: the draft to publish, the consultation
summary, the ballot's tally and the panel's result; the standard's number, dates and evaluation."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from api.web.ballot_words import share, tally_words
from api.web.material import builds
from api.web.material.common import (
    Fact, draft_href, draft_words, latest_draft, project_policy, readable_project,
)
from api.web.material.consultation import comment_summary, disposition_links
from api.web.page_text import Translator
from api.web.pages_common import local_day
from services.ballots import service as ballots
from services.errors import NotFound
from services.evaluations import service as evaluations
from services.evaluations.models import CRITERIA
from services.identity.principal import Principal
from services.panels import service as panels
from services.projects.models import StandardProject
from services.tasks.models import Task


async def _results(session: AsyncSession, principal: Principal, project: StandardProject, t: Translator) -> list[Fact]:
    """The last closed ballot's tally and the last concluded panel's result, with their numbers."""
    facts = []
    closed = [b for b in await ballots.list_for_project(session, principal, project.id) if b.tally]
    if closed:
        tally = closed[-1].tally
        words = tally_words(tally, project_policy(project).ballot, tally.eligible, t)
        facts.append(Fact(t("mat.approval.ballot"), words))
    concluded = [p for p in await panels.list_for_project(session, principal, project.id) if p.tally]
    if concluded:
        panel = concluded[-1]
        counts = {"pass": 0, "pass_with_revisions": 0, "fail": 0, "size": 0, "in_favour": 0, **panel.tally}
        facts.append(Fact(t("mat.approval.panel"), t(
            "mat.approval.panel_words", result=t(f"mat.panel_result.{panel.result}"), size=counts["size"],
            passes=counts["pass"], with_revisions=counts["pass_with_revisions"], fails=counts["fail"],
            silent=counts["size"] - counts["pass"] - counts["pass_with_revisions"] - counts["fail"],
            in_favour=counts["in_favour"], ratio=share(project_policy(project).panel.pass_ratio),
        )))
    return facts


def _number(project: StandardProject, t: Translator) -> Fact:
    policy = project_policy(project)
    if policy.number_issued_outside:
        return Fact(t("project.number"), t("mat.approval.number_outside"))
    example = policy.number_format.replace("{seq:04d}", "0001").replace("{seq}", "1").replace("{year}", "YYYY")
    return Fact(t("project.number"), t("mat.approval.number_on_approval", format=example.replace("{org_code}", "…")))


@builds("approve_publication")
async def approve(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    project = await readable_project(session, principal, task.project_id)
    draft = await latest_draft(session, principal, project.id, "approval") or await latest_draft(
        session, principal, project.id)
    facts = [Fact(t("mat.approval.draft"), draft_words(draft, t), draft_href(draft))] if draft else []
    try:
        counts, _ = await comment_summary(session, principal, project.id, t)
        links = disposition_links(project.id, t)
    except NotFound:
        counts, links = [], []
    return {"facts": [*facts, _number(project, t), *await _results(session, principal, project, t)],
            "counts": counts, "links": links}


@builds("periodic_review")
async def review(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    project = await readable_project(session, principal, task.project_id)
    facts = [
        Fact(t("project.number"), project.number or t("none")),
        Fact(t("project.published_at"), local_day(project.published_at) if project.published_at else t("none")),
        Fact(t("project.effective_from"), local_day(project.effective_from) if project.effective_from else t("none")),
        Fact(t("project.shanghai_standard"), t("yes") if project.shanghai_standard else t("no")),
    ]
    for found in await evaluations.list_for_project(session, principal, project.id):
        scores = " · ".join(f"{t('field.' + name)} {getattr(found.scores, name)}/5" for name in CRITERIA)
        facts += [Fact(t("mat.review.evaluation"), f"{t('choice.' + found.decision)} ({local_day(found.created_at)})"),
                  Fact(t("field.scores"), scores), Fact(t("field.summary"), found.summary)]
    return {"facts": facts}
