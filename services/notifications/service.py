"""The outbox: who a task's notices go to, writing each notice once, reading and marking them."""

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from services.committees.models import Committee, CommitteeMember, CommitteeSeat
from services.db import utcnow
from services.errors import Invalid, NotFound
from services.identity.models import Membership, MembershipState, User
from services.identity.permissions import Role
from services.identity.principal import Principal
from services.notifications import messages
from services.notifications.messages import NoticeSite
from services.notifications.models import Notification, NotificationKind
from services.notifications.schemas import NotificationFilter, NotificationPage, NotificationPublic
from services.projects.models import StandardProject
from services.tasks.models import ACTIVE_STATES, Task


@dataclass(frozen=True)
class TaskNotice:
    """One event about one task; `key` names the event, so writing it again writes nothing."""

    task_id: uuid.UUID
    kind: NotificationKind
    key: str
    days_left: int | None = None


@dataclass(frozen=True)
class EscalationSlot:
    """Where an overdue task goes: a committee's secretaries, or an organisation's admins."""

    org_id: uuid.UUID
    role: str
    committee_id: uuid.UUID | None


async def notify_task(session: AsyncSession, notice: TaskNotice, site: NoticeSite | None = None, *,
                      task: Task | None = None, new: bool = False) -> list[uuid.UUID]:
    """Writes the notice for each recipient, once and in their language; nothing for a task no longer open.
    `task`: the task itself, when the caller holds it. `new`: no notice of this key can have been written
    before (a step, written at most once, names its notices after itself or the tasks it opens), so none
    is looked for, and the rows are written by the caller's next flush."""
    task = task if task is not None else await session.get(Task, notice.task_id)
    if task is None or task.state not in ACTIVE_STATES:
        return []
    if notice.kind == NotificationKind.escalation:
        recipients = await escalation_recipients(session, task)
    else:
        recipients = await task_recipients(session, task)
    if not recipients:
        return []
    project = await session.get(StandardProject, task.project_id) if task.project_id else None
    readers = {user.id: user for user in (await session.exec(select(User).where(col(User.id).in_(recipients)))).all()}
    written = []
    for user_id in recipients:
        lang = messages.reader_language(readers.get(user_id))
        message = messages.compose(notice.kind, task, project, lang, site or NoticeSite(), notice.days_left)
        if new:
            written.append(add_notice(session, user_id, notice.key, notice.kind, message,
                                      task_id=task.id, project_id=task.project_id))
        else:
            written.append(await write_once(session, user_id, notice.key, notice.kind, message,
                                            task_id=task.id, project_id=task.project_id))
    return written


async def task_recipients(session: AsyncSession, task: Task) -> list[uuid.UUID]:
    """The assignee; while nobody holds the task, every user holding its role in its organisation."""
    if task.assignee_id is not None:
        return [task.assignee_id]
    if task.candidate_org_id is None or task.candidate_role is None:
        return []
    return await role_holders(session, task.candidate_org_id, task.candidate_role)


async def escalation_slot(session: AsyncSession, task: Task) -> EscalationSlot | None:
    """The secretaries of the task's committee (a project's task without one: its project's
    committee); a task with neither goes to the admins of the organisation it was offered to."""
    committee_id = task.committee_id
    if committee_id is None and task.project_id is not None:
        committee_id = (await session.get(StandardProject, task.project_id)).committee_id
    if committee_id is not None:
        committee = await session.get(Committee, committee_id)
        return EscalationSlot(org_id=committee.org_id, role=Role.secretary.value, committee_id=committee_id)
    if task.candidate_org_id is not None:
        return EscalationSlot(org_id=task.candidate_org_id, role=Role.admin.value, committee_id=None)
    return None


async def escalation_recipients(session: AsyncSession, task: Task) -> list[uuid.UUID]:
    slot = await escalation_slot(session, task)
    if slot is None:
        return []
    if slot.committee_id is None:
        return await role_holders(session, slot.org_id, slot.role)
    query = (
        select(CommitteeMember.user_id).join(User, col(User.id) == CommitteeMember.user_id)
        .where(CommitteeMember.committee_id == slot.committee_id, CommitteeMember.seat == CommitteeSeat.secretary,
               col(User.is_active).is_(True))
        .order_by(col(CommitteeMember.user_id))
    )
    return list((await session.exec(query)).all())


async def role_holders(session: AsyncSession, org_id: uuid.UUID, role: str) -> list[uuid.UUID]:
    query = (
        select(Membership.user_id).join(User, col(User.id) == Membership.user_id)
        .where(Membership.org_id == org_id, Membership.role == role, col(User.is_active).is_(True), Membership.state == MembershipState.active)
        .order_by(col(Membership.user_id))
    )
    return list((await session.exec(query)).all())


async def write_once(
    session: AsyncSession, user_id: uuid.UUID, key: str, kind: NotificationKind, message: messages.Message, *,
    task_id: uuid.UUID | None = None, project_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """The notice of the event `key` to this person, written unless it was before."""
    query = select(Notification.id).where(Notification.dedup_key == key, Notification.recipient_id == user_id)
    existing = (await session.exec(query)).first()
    if existing is not None:
        return existing
    written = add_notice(session, user_id, key, kind, message, task_id=task_id, project_id=project_id)
    await session.flush()
    return written


def add_notice(
    session: AsyncSession, user_id: uuid.UUID, key: str, kind: NotificationKind, message: messages.Message, *,
    task_id: uuid.UUID | None = None, project_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """The notice of the event `key` to this person, added to the session: for a key nobody wrote before."""
    row = Notification(
        recipient_id=user_id, kind=kind, subject_zh=message.subject_zh, subject_en=message.subject_en,
        body=message.body, task_id=task_id, project_id=project_id, dedup_key=key,
    )
    session.add(row)
    return row.id


def readable(principal: Principal) -> SelectOfScalar[Notification]:
    """A person reads their own notifications and nobody else's."""
    return select(Notification).where(Notification.recipient_id == principal.user_id)


async def list_notifications(session: AsyncSession, principal: Principal, flt: NotificationFilter) -> NotificationPage:
    query = readable(principal)
    if flt.unread:
        query = query.where(col(Notification.read_at).is_(None))
    if flt.project_id:
        query = query.where(Notification.project_id == flt.project_id)
    if flt.cursor:
        created, last_id = _decode_cursor(flt.cursor)
        query = query.where(or_(col(Notification.created_at) < created,
                                and_(col(Notification.created_at) == created, col(Notification.id) < last_id)))
    query = query.order_by(col(Notification.created_at).desc(), col(Notification.id).desc()).limit(flt.limit + 1)
    rows = list((await session.exec(query)).all())
    cursor = _encode_cursor(rows[flt.limit - 1]) if len(rows) > flt.limit else None
    items = [NotificationPublic.model_validate(n) for n in rows[: flt.limit]]
    return NotificationPage(items=items, next_cursor=cursor, unread=await _unread_count(session, principal))


async def _unread_count(session: AsyncSession, principal: Principal) -> int:
    query = select(func.count()).select_from(Notification).where(
        Notification.recipient_id == principal.user_id, col(Notification.read_at).is_(None)
    )
    return (await session.exec(query)).one()


async def mark_read(session: AsyncSession, principal: Principal, notification_id: uuid.UUID) -> Notification:
    """Marking a notification read again keeps the time it was first read."""
    row = (await session.exec(readable(principal).where(Notification.id == notification_id))).first()
    if row is None:
        raise NotFound("error.notification.not_found")
    if row.read_at is None:
        row.read_at = utcnow()
        session.add(row)
        await session.flush()
    return row


def _encode_cursor(row: Notification) -> str:
    payload = [row.created_at.isoformat(), str(row.id)]
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        created, last_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        moment = datetime.fromisoformat(created)
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)), uuid.UUID(last_id)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise Invalid("error.cursor", field="cursor") from exc


async def unsent_mail(session: AsyncSession, ids: list[uuid.UUID]) -> list[tuple[Notification, User]]:
    """Of these notifications, the ones not yet mailed whose recipient has an address."""
    query = (
        select(Notification, User).join(User, col(User.id) == Notification.recipient_id)
        .where(col(Notification.id).in_(ids), col(Notification.sent_at).is_(None), col(User.email).is_not(None))
        .order_by(col(Notification.created_at))
    )
    return [(n, u) for n, u in (await session.exec(query)).all()]


async def record_attempt(session: AsyncSession, notification_id: uuid.UUID, *, sent: bool) -> None:
    row = await session.get(Notification, notification_id)
    row.send_attempts += 1
    if sent:
        row.sent_at = utcnow()
    session.add(row)
    await session.flush()
