"""The expert demonstration's tasks: the draft under review and the panel's rule; the panel as it
sits; and, for a revised draft, each expert's requested changes clause by clause."""

import re
import uuid
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from api.web.ballot_words import share
from api.web.material import builds
from api.web.material.common import (
    Fact, Table, draft_fact, draft_href, draft_words, latest_draft, org_name, organisations, project_policy,
    readable_project,
)
from api.web.page_text import Translator
from api.web.task_options import eligible_experts
from services.identity.expertise import expertise_of
from services.identity.principal import Principal
from services.panels import service as panels
from services.panels.schemas import PanelPublic
from services.projects.models import StandardProject
from services.tasks.models import Task

# A requested change that opens with the clause it concerns: "5.2 …", "第5.2条 …", "clause 5.2: …".
CLAUSE = re.compile(
    r"^\s*(?:第\s*(?P<zh>[\dA-Z][\d.]*)\s*[条款章节项]|(?:clause|§)\s*(?P<en>[\dA-Z][\d.]*)"
    r"|(?P<bare>(?:\d+|[A-Z])(?:\.\d+)+))\s*[:：、,，.．)）]?\s*(?P<text>\S.*)$",
    re.IGNORECASE,
)


async def _review_facts(
    session: AsyncSession, principal: Principal, project: StandardProject, t: Translator
) -> list[Fact]:
    """The newest draft the panel reads and the rule the panel decides by."""
    draft = await latest_draft(session, principal, project.id)
    rules = project_policy(project).panel
    facts = [Fact(t("mat.panel.draft"), draft_words(draft, t), draft_href(draft))] if draft else []
    return [*facts, Fact(t("mat.panel.rule"), t("mat.panel.rule_words", size=rules.min_size,
                                                    ratio=share(rules.pass_ratio)))]


@builds("form_panel")
async def form_panel(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    project = await readable_project(session, principal, task.project_id)
    experts = await eligible_experts(session, project.id, list((await organisations(session)).values()))
    fields = {uid: await expertise_of(session, uuid.UUID(uid)) for uid, _ in experts}
    # Those whose fields hold the project's domain first; each field in words, the project's marked.
    ordered = sorted(experts, key=lambda e: project.domain not in fields[e[0]])
    rows = [[words, "、".join(t.domain(code) + (f" ({t('mat.panel.field_matches')})" if code == project.domain else "")
                             for code in fields[uid]) or t("none")] for uid, words in ordered]
    return {"facts": await _review_facts(session, principal, project, t),
            "experts": Table([t("mat.col.expert"), t("mat.col.fields")], rows)}


@builds("panel_opinion")
async def panel_opinion(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    project = await readable_project(session, principal, task.project_id)
    return {"facts": [Fact(t("col.project"), t.title(project)), Fact(t("project.scope"), project.scope),
                      *await _review_facts(session, principal, project, t)]}


async def _members(session: AsyncSession, panel: PanelPublic, t: Translator) -> Table:
    orgs = await organisations(session)
    rows = [[m.display_name, org_name(orgs.get(m.org_id), t), t(f"mat.seat.{m.state}"),
             t("yes") if m.answered else t("no")] for m in panel.members]
    return Table([t("mat.col.expert"), t("mat.col.organisation"), t("mat.col.seat"), t("mat.col.answered")], rows)


@builds("replace_expert")
async def replace_expert(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    panel = await panels.get_readable(session, principal, uuid.UUID(task.context["panel_id"]))
    leaving = next((m for m in panel.members if str(m.user_id) == task.context.get("expert_id")), None)
    reason = task.context.get("reason", "")
    facts = [Fact(t("mat.panel.leaving"), leaving.display_name if leaving else t("none")),
             Fact(t("ctx.reason"), t.maybe(f"mat.leaving.{reason}", reason))]
    if task.context.get("details"):
        facts.append(Fact(t("mat.panel.conflict_details"), task.context["details"]))
    return {"facts": facts, "members": await _members(session, panel, t)}


def requested_changes(panel: PanelPublic, t: Translator) -> Table:
    """Each expert's comments, a row per line that names a clause (the clause in its own column);
    lines that name none stay together as one row."""
    rows: list[list[str]] = []
    for member in panel.members:
        if not member.comments:
            continue
        opinion = t(f"choice.{member.opinion}") if member.opinion else ""
        loose = []
        for line in filter(None, (raw.strip() for raw in member.comments.splitlines())):
            cited = CLAUSE.match(line)
            if cited:
                clause = cited.group("zh") or cited.group("en") or cited.group("bare")
                rows.append([member.display_name, opinion, clause, cited.group("text")])
            else:
                loose.append(line)
        if loose:
            rows.append([member.display_name, opinion, "—", "\n".join(loose)])
    return Table([t("mat.col.expert"), t("mat.col.opinion"), t("mat.col.clause"), t("mat.col.change")], rows)


@builds("submit_revised_draft", "check_revision")
async def revision(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    panel = await panels.get_readable(session, principal, uuid.UUID(task.context["panel_id"]))
    facts = []
    if task.context.get("draft_id"):
        found = await draft_fact(session, principal, t("mat.revision.draft"), task.context["draft_id"], t)
        facts.extend([found] if found else [])
    return {"facts": facts, "changes": requested_changes(panel, t)}
