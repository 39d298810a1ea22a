"""Coordination requests: the request's own words, who sent it and by when it is due, the project it
concerns; and, for the sender, the answer."""

import uuid
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from api.web.material import builds
from api.web.material.common import Fact, org_name, organisations
from api.web.page_text import Translator
from api.web.pages_common import local_day, local_time
from services.coordination import service as coordination
from services.errors import NotFound
from services.identity.principal import Principal
from services.identity.service import display_names
from services.projects import service as projects
from services.tasks.models import Task


async def _project_fact(session: AsyncSession, principal: Principal, project_id: uuid.UUID | None,
                        t: Translator) -> Fact:
    if project_id is None:
        return Fact(t("col.project"), t("none"))
    try:
        project = await projects.get_readable(session, principal, project_id)
    except NotFound:
        return Fact(t("col.project"), t("task.project_hidden"))
    return Fact(t("col.project"), t.title(project), f"/projects/{project.id}")


@builds("answer_coordination", "coordination_answered")
async def request(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    found = await coordination.get_readable(session, principal, uuid.UUID(task.context["request_id"]))
    orgs = await organisations(session)
    names = await display_names(session, {found.sender_id, *([found.answered_by_id] if found.answered_by_id else [])})
    facts = [
        Fact(t("coord.subject"), found.subject), Fact(t("coord.body"), found.body),
        Fact(t("coord.from_org_id"), f"{org_name(orgs.get(found.from_org_id), t)} · {names.get(found.sender_id, '')}"),
        Fact(t("coord.due_date"), local_day(found.due_date)),
        await _project_fact(session, principal, found.project_id, t),
        Fact(t("mat.coordination.history"), t("mat.coordination.open_request"), f"/coordination/{found.id}"),
    ]
    if found.answer:
        facts += [Fact(t("field.answer"), found.answer),
                  Fact(t("mat.coordination.answered_by"),
                       f"{org_name(orgs.get(found.current_org_id), t)} · {names.get(found.answered_by_id, '')}"
                       + (f" · {local_time(found.answered_at)}" if found.answered_at else ""))]
    return {"facts": facts}
