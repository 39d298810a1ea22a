"""An escalation's material: the late task, who holds it and since when it is late, and the actions
the secretaries who got it have — remind its holders, or give it to another person holding its role."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from api.web.material import builds
from api.web.page_text import Translator
from services.db import utcnow
from services.errors import Forbidden
from services.identity.principal import Principal
from services.notifications import escalations
from services.tasks import service as tasks
from services.tasks.models import Task
from services.tasks.registry import form_for


@builds("overdue_task")
async def overdue_material(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    escalation = await escalations.read_escalation(session, principal, task.id)
    late, now = escalation.late, utcnow()
    return {
        "late": late, "late_title": form_for(late.kind).title(t.lang),
        "late_project": escalation.project, "assignee": escalation.assignee, "org": escalation.org,
        "holders": escalation.holders, "candidates": escalation.candidates,
        "overdue_days": escalation.overdue_days(now),
        "may_act": escalation.open and _may_act(principal, task),
        "last_reminded_at": escalation.last_reminded_at,
        "remind_wait": escalation.next_reminder_at if escalation.next_reminder_at and
        escalation.next_reminder_at > now else None,
    }


def _may_act(principal: Principal, task: Task) -> bool:
    try:
        tasks.check_may_act(principal, task)
    except Forbidden:
        return False
    return True
