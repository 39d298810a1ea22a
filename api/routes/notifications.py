import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from services.notifications import service as notifications
from services.notifications.schemas import NotificationFilter, NotificationPage, NotificationPublic

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"], responses=refusals(401, 422))


@router.get("", response_model=NotificationPage)
async def list_notifications(
    session: SessionDep, principal: PrincipalDep, flt: Annotated[NotificationFilter, Query()]
) -> NotificationPage:
    """Your notifications, newest first: tasks opened for you, reminders of coming deadlines,
    escalations of missed ones, and outcomes of your projects (screening, ballot with its tally, expert
    panel, publication with the number, evaluation, review). Bodies are in the language you chose
    (Chinese until you choose), times in the deployment's zone, links to pages.

    `unread=true` shows only those not yet read, `project_id` those of one project; page with `limit`
    and the `next_cursor` you were given. `unread` in the answer counts all your unread notifications.
    """
    return await notifications.list_notifications(session, principal, flt)


@router.post("/{notification_id}/read", response_model=NotificationPublic, responses=refusals(404))
async def mark_read(notification_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> NotificationPublic:
    """Mark one of your notifications read. Marking it again keeps the time it was first read."""
    return NotificationPublic.model_validate(await notifications.mark_read(session, principal, notification_id))
