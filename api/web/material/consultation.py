"""Drafting and public consultation: the project's drafts to choose the consultation draft from; the
comments with their dispositions, counted by outcome, with the disposition table to download."""

import uuid
from collections import Counter
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from api.web.material import builds
from api.web.material.common import (
    Fact, Link, Table, draft_href, draft_words, org_name, organisations, readable_project,
)
from api.web.page_text import Translator
from api.web.pages_common import When, local_time
from services.consultations import service as consultations
from services.consultations.models import Disposition
from services.drafts import service as drafts
from services.identity.principal import Principal
from services.tasks.models import Task

OUTCOMES = (*Disposition, None)  # None: no disposition yet


@builds("submit_consultation_draft")
async def consultation_draft(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    project = await readable_project(session, principal, task.project_id)
    rows = [[Link(draft_words(d, t), draft_href(d)), When(local_time(d.uploaded_at)), d.note]
            for d in reversed(await drafts.list_drafts(session, principal, project.id))]
    return {"drafts": Table([t("mat.col.draft"), t("mat.col.uploaded"), t("mat.col.note")], rows),
            "upload": f"/projects/{project.id}#drafts"}


def disposition_words(disposition: Disposition | None, t: Translator) -> str:
    return t(f"disposition.{disposition}") if disposition else t("mat.undisposed")


def disposition_links(project_id: uuid.UUID, t: Translator) -> list[Fact]:
    """The disposition table (意见汇总处理表) as a spreadsheet and as CSV, and the comments on the project's page."""
    base = f"/api/v1/projects/{project_id}/dispositions"
    return [Fact(t("mat.consultation.table"), t("mat.consultation.xlsx"), f"{base}.xlsx"),
            Fact(t("mat.consultation.table_csv"), "CSV", f"{base}.csv"),
            Fact(t("mat.consultation.on_page"), t("mat.consultation.comments_link"),
                 f"/projects/{project_id}#consultation")]


async def comment_summary(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, t: Translator
) -> tuple[list[Fact], list]:
    """The current consultation's comments counted by outcome, and the comments themselves."""
    current = await consultations.get_current(session, principal, project_id)
    comments = [c for c in await consultations.list_comments(session, principal, project_id)
                if c.consultation_id == current.id]
    counts = Counter(c.disposition for c in comments)
    facts = [Fact(t("mat.consultation.comments"), str(len(comments)))]
    facts += [Fact(disposition_words(o, t), str(counts[o])) for o in OUTCOMES if counts[o] or o is not None]
    return facts, comments


@builds("dispose_comments")
async def dispose(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    project = await readable_project(session, principal, task.project_id)
    counts, comments = await comment_summary(session, principal, project.id, t)
    orgs = await organisations(session)
    rows = [[str(c.number), c.clause, org_name(orgs.get(c.org_id), t), c.comment, c.proposed_change,
             disposition_words(c.disposition, t), c.reason] for c in comments]
    head = [t("mat.col.number"), t("comments.clause"), t("comments.org"), t("comments.comment"),
            t("comments.proposed_change"), t("comments.disposition"), t("comments.reason")]
    return {"counts": counts, "links": disposition_links(project.id, t), "comments": Table(head, rows)}
