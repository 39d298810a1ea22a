"""Activities of the outbox: write a task's notices, find where its escalation goes, mail them."""

import uuid
from typing import Literal

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from services.db import transaction
from services.identity.models import User
from services.notifications import mail
from services.notifications.messages import NoticeSite
from services.notifications import service as outbox
from services.notifications.models import Notification, NotificationKind
from services.tasks.models import Task


class NotifyRequest(BaseModel):
    task_id: uuid.UUID
    kind: Literal["assigned", "reminder", "escalation"]
    key: str  # names the event: the same key is written once per recipient
    days_left: int | None = None


class NotifyResult(BaseModel):
    notification_ids: list[uuid.UUID]
    mail: bool  # whether the worker mails notifications (SMTP is configured)


class EscalationTarget(BaseModel):
    org_id: uuid.UUID
    role: str
    committee_id: uuid.UUID | None


class NotifyActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], mail_config: mail.MailConfig | None = None,
                 site: NoticeSite | None = None) -> None:
        self._sessions = sessions
        self._mail = mail_config
        self._site = site or NoticeSite()

    @activity.defn(name="notify")
    async def notify(self, request: NotifyRequest) -> NotifyResult:
        notice = outbox.TaskNotice(task_id=request.task_id, kind=NotificationKind(request.kind), key=request.key,
                                   days_left=request.days_left)
        async with transaction(self._sessions) as session:
            ids = await outbox.notify_task(session, notice, self._site)
        return NotifyResult(notification_ids=ids, mail=self._mail is not None)

    @activity.defn(name="escalation_target")
    async def escalation_target(self, task_id: uuid.UUID) -> EscalationTarget | None:
        async with transaction(self._sessions) as session:
            task = await session.get(Task, task_id)
            slot = await outbox.escalation_slot(session, task) if task else None
        return EscalationTarget(org_id=slot.org_id, role=slot.role, committee_id=slot.committee_id) if slot else None

    @activity.defn(name="send_notification_mail")
    async def send_notification_mail(self, notification_ids: list[uuid.UUID]) -> int:
        """Mails those of the notifications not mailed yet; a failure raises, and the retry mails the rest."""
        if self._mail is None:
            return 0
        async with transaction(self._sessions) as session:
            pending = await outbox.unsent_mail(session, notification_ids)
        for notification, recipient in pending:
            await self._mail_one(notification, recipient)
        return len(pending)

    async def _mail_one(self, notification: Notification, recipient: User) -> None:
        sent = False
        try:
            await mail.send(self._mail, mail.build_message(self._mail, notification, recipient))
            sent = True
        finally:
            async with transaction(self._sessions) as session:
                await outbox.record_attempt(session, notification.id, sent=sent)
