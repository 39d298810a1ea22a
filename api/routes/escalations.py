"""Escalations of missed deadlines: the late task behind an `overdue_task`, and what the secretaries
who got it can do about it — remind the late task's holders, or give it to another person."""

import uuid

from fastapi import APIRouter, Request

from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from services.notifications import escalations
from services.notifications.schemas import EscalationPublic, Reassignment

router = APIRouter(prefix="/api/v1/escalations", tags=["escalations"], responses=refusals(401, 404, 422))


@router.get("/{task_id}", response_model=EscalationPublic)
async def get_escalation(task_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> EscalationPublic:
    """The escalation task `task_id` (kind `overdue_task`): which task is late, since when, who holds
    it (its assignee, or the people holding the role it is offered to) and who it can be given to."""
    return escalations.to_public(await escalations.read_escalation(session, principal, task_id))


@router.post("/{task_id}/remind", response_model=EscalationPublic, responses=refusals(403, 409))
async def remind(
    task_id: uuid.UUID, request: Request, session: SessionDep, principal: PrincipalDep
) -> EscalationPublic:
    """Remind the late task's holders now (a `reminder` notification, recorded on the audit trail).

    For the people the escalation is offered to. 409 while the escalation or the late task is closed,
    and within an hour of the last reminder (the answer says when the next may go).
    """
    site = request.app.state.settings.notice_site
    return escalations.to_public(await escalations.remind(session, principal, task_id, site))


@router.post("/{task_id}/reassign", response_model=EscalationPublic, responses=refusals(400, 403, 409))
async def reassign(
    task_id: uuid.UUID, body: Reassignment, request: Request, session: SessionDep, principal: PrincipalDep
) -> EscalationPublic:
    """Give the late task to `user_id`, another person holding the role it is offered to in its
    organisation, as their own claim would; they get an `assigned` notification.

    422 for a person who does not hold that role (or holds the task already); 409 when the escalation
    or the late task is closed, or the late task was given to its holder by name.
    """
    site = request.app.state.settings.notice_site
    return escalations.to_public(await escalations.reassign(session, principal, task_id, body.user_id, site))
