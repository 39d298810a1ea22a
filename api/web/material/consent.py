"""A co-drafter's consent: what the organisation's admin decides on — the project as proposed (title,
standard type, scope, who proposes it and for which organisation, who invited) — and what accepting
means. Read for the task alone: being asked gives no read of the project itself."""

import uuid
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from api.web.material import builds
from api.web.material.common import Fact, org_name, organisations
from api.web.page_text import Translator
from services.identity.principal import Principal
from services.identity.service import display_names
from services.projects.models import StandardProject
from services.tasks.models import Task


@builds("co_drafter_consent")
async def invitation(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    project = await session.get(StandardProject, uuid.UUID(task.context["project_id"]))
    orgs = await organisations(session)
    inviter = uuid.UUID(task.context["invited_by_id"]) if task.context.get("invited_by_id") else None
    names = await display_names(session, {project.proposer_id, *([inviter] if inviter else [])})
    lead = org_name(orgs.get(project.lead_org_id), t)
    facts = [
        Fact(t("project.title_zh"), project.title_zh), Fact(t("project.title_en"), project.title_en),
        Fact(t("project.standard_type"), t.standard_type(project.standard_type)),
        Fact(t("project.domain"), t.domain(project.domain)),
        Fact(t("mat.consent.proposer"), f"{names.get(project.proposer_id, '')} · {lead}"),
        Fact(t("project.scope"), project.scope),
    ]
    if inviter and inviter != project.proposer_id:
        facts.append(Fact(t("mat.consent.invited_by"), names.get(inviter, "")))
    invited = org_name(orgs.get(task.candidate_org_id), t)
    return {"facts": facts, "org": invited}
