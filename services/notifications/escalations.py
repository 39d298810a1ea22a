"""What the secretaries who got an escalation (an `overdue_task`) can do about the late task: see who
holds it and since when it is late, remind its holders, or give it to another person holding the role
it is offered to. The escalation itself closes when the late task is done (workflows/core/deadlines.py)."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.audit import service as audit
from services.db import utcnow
from services.errors import Conflict, Invalid, NotFound
from services.identity.models import User
from services.identity.principal import Principal
from services.notifications import service as outbox
from services.notifications.messages import NoticeSite
from services.notifications.models import Notification, NotificationKind
from services.notifications.schemas import EscalationPublic, PersonRef
from services.organisations.models import Organisation
from services.projects.models import StandardProject
from services.tasks import service as tasks
from services.tasks.models import ACTIVE_STATES, Task, TaskState
from services.tasks.registry import form_for
from services.words import Term

OVERDUE_KIND = "overdue_task"
# A reminder more often than this would be noise to the person reminded.
REMIND_INTERVAL = timedelta(hours=1)


@dataclass
class Escalation:
    """An escalation and the late task it is about, with who holds the late task."""

    overdue: Task
    late: Task
    project: StandardProject | None
    assignee: User | None
    org: Organisation | None  # the organisation the late task is offered to
    holders: list[User]  # who is reminded: the assignee, or everyone holding the role while nobody does
    candidates: list[User]  # who it can be given to: the role's holders, but the assignee
    last_reminded_at: datetime | None

    @property
    def open(self) -> bool:
        return self.overdue.state in ACTIVE_STATES and self.late.state in ACTIVE_STATES

    @property
    def next_reminder_at(self) -> datetime | None:
        return self.last_reminded_at + REMIND_INTERVAL if self.last_reminded_at else None

    def overdue_days(self, now: datetime) -> int:
        due = _aware(self.late.due_at) if self.late.due_at else now
        return max((now - due).days, 0)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def read_escalation(session: AsyncSession, principal: Principal, overdue_id: uuid.UUID) -> Escalation:
    """The escalation as its reader may see it (404 if they may not, or it is no escalation)."""
    overdue = await tasks.get_readable(session, principal, overdue_id)
    late_id = overdue.context.get("task_id") if overdue.kind == OVERDUE_KIND else None
    late = await session.get(Task, uuid.UUID(late_id)) if late_id else None
    if late is None:
        raise NotFound("error.escalation.not_found")
    project = await session.get(StandardProject, late.project_id) if late.project_id else None
    assignee = await session.get(User, late.assignee_id) if late.assignee_id else None
    org = await session.get(Organisation, late.candidate_org_id) if late.candidate_org_id else None
    role_holders = await _users(session, await _role_holder_ids(session, late))
    holders = [assignee] if assignee else role_holders
    candidates = [user for user in role_holders if user.id != late.assignee_id]
    return Escalation(overdue, late, project, assignee, org, holders, candidates, await _last_reminded(session, late))


async def _role_holder_ids(session: AsyncSession, late: Task) -> list[uuid.UUID]:
    if late.candidate_org_id is None or late.candidate_role is None:
        return []
    return await outbox.role_holders(session, late.candidate_org_id, late.candidate_role)


async def _users(session: AsyncSession, ids: list[uuid.UUID]) -> list[User]:
    if not ids:
        return []
    query = select(User).where(col(User.id).in_(ids)).order_by(col(User.display_name))
    return list((await session.exec(query)).all())


def _remind_key(late: Task) -> str:
    return f"{late.id}:remind:"


async def _last_reminded(session: AsyncSession, late: Task) -> datetime | None:
    query = select(func.max(Notification.created_at)).where(col(Notification.dedup_key).startswith(_remind_key(late)))
    last = (await session.exec(query)).one()
    return _aware(last) if last else None


async def _acting(session: AsyncSession, principal: Principal, overdue_id: uuid.UUID) -> Escalation:
    """The escalation its reader may act on: one offered to them, while it and the late task are open."""
    escalation = await read_escalation(session, principal, overdue_id)
    tasks.check_may_act(principal, escalation.overdue)
    if escalation.overdue.state not in ACTIVE_STATES:
        raise Conflict("error.escalation.closed", state=Term.of("state", escalation.overdue.state))
    if escalation.late.state not in ACTIVE_STATES:
        raise Conflict("error.escalation.late_closed", state=Term.of("state", escalation.late.state))
    return escalation


async def remind(session: AsyncSession, principal: Principal, overdue_id: uuid.UUID, site: NoticeSite) -> Escalation:
    """Writes a reminder to the late task's holders now, on the audit trail; at most one an hour."""
    escalation = await _acting(session, principal, overdue_id)
    now, late = utcnow(), escalation.late
    if escalation.next_reminder_at and escalation.next_reminder_at > now:
        raise Conflict("error.escalation.remind_too_soon", last=site.when(escalation.last_reminded_at),
                       next=site.when(escalation.next_reminder_at))
    if not escalation.holders:
        raise Conflict("error.escalation.nobody_to_remind")
    notice = outbox.TaskNotice(task_id=late.id, kind=NotificationKind.reminder, key=_remind_key(late) + now.isoformat())
    await outbox.notify_task(session, notice, site)
    await audit.record(
        session, action="task.overdue_reminded", object_type="task", object_id=late.id, actor_id=principal.user_id,
        project_id=late.project_id, data={"task_id": str(late.id), "kind": late.kind,
                                          "reminded": [str(user.id) for user in escalation.holders]},
    )
    return await read_escalation(session, principal, overdue_id)


async def reassign(
    session: AsyncSession, principal: Principal, overdue_id: uuid.UUID, user_id: uuid.UUID, site: NoticeSite
) -> Escalation:
    """Gives the late task to another person holding the role it is offered to, as their claim would;
    they get an `assigned` notice, and the audit trail records who gave it to whom."""
    escalation = await _acting(session, principal, overdue_id)
    late = escalation.late
    if late.candidate_org_id is None:
        raise Conflict("error.escalation.named")
    if user_id == late.assignee_id:
        raise Invalid("error.escalation.holds_already", field="user_id")
    if user_id not in {user.id for user in escalation.candidates}:
        raise Invalid("error.escalation.not_a_candidate", field="user_id")
    before = late.assignee_id
    late.assignee_id, late.state, late.claimed_at = user_id, TaskState.claimed, utcnow()
    session.add(late)
    await session.flush()
    notice = outbox.TaskNotice(task_id=late.id, kind=NotificationKind.assigned,
                               key=f"{late.id}:assigned:{user_id}:{late.claimed_at.isoformat()}")
    await outbox.notify_task(session, notice, site)
    await audit.record(
        session, action="task.reassigned", object_type="task", object_id=late.id, actor_id=principal.user_id,
        project_id=late.project_id, data={"task_id": str(late.id), "kind": late.kind, "to": str(user_id),
                                          "from": str(before) if before else None},
    )
    return await read_escalation(session, principal, overdue_id)


def to_public(escalation: Escalation) -> EscalationPublic:
    late, form = escalation.late, form_for(escalation.late.kind)
    person = (lambda user: PersonRef(id=user.id, display_name=user.display_name))
    return EscalationPublic(
        task_id=escalation.overdue.id, state=escalation.overdue.state, late_task_id=late.id, late_kind=late.kind,
        late_title_zh=form.title_zh, late_title_en=form.title_en, late_state=late.state,
        project_id=late.project_id, due_at=late.due_at, overdue_days=escalation.overdue_days(utcnow()),
        assignee=person(escalation.assignee) if escalation.assignee else None,
        candidate_org_id=late.candidate_org_id, candidate_role=late.candidate_role,
        holders=[person(user) for user in escalation.holders],
        candidates=[person(user) for user in escalation.candidates],
        last_reminded_at=escalation.last_reminded_at, next_reminder_at=escalation.next_reminder_at,
    )
