"""The forms on an escalation's page (material/overdue_task.html): remind the late task's holders, or
give the late task to another person holding its role. Each answers with the escalation's page."""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import PrincipalDep
from api.web.pages_common import PageRoute, PageSession, go
from services.errors import Invalid
from services.notifications import escalations

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.post("/tasks/{task_id}/remind")
async def remind(task_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep) -> Response:
    """Remind the late task's holders now."""
    await escalations.remind(session, principal, task_id, request.app.state.settings.notice_site)
    return go(f"/tasks/{task_id}", "reminded")


@router.post("/tasks/{task_id}/reassign")
async def reassign(task_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep) -> Response:
    """Give the late task to the person chosen on the form."""
    chosen = str((await request.form()).get("user_id", ""))
    try:
        user_id = uuid.UUID(chosen)
    except ValueError:
        raise Invalid("error.escalation.choose_person", field="user_id") from None
    await escalations.reassign(session, principal, task_id, user_id, request.app.state.settings.notice_site)
    return go(f"/tasks/{task_id}", "reassigned")
