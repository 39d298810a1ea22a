"""Every task's deadline, held by a durable timer: reminders before it, and at it the rule for a
missed deadline — by default an escalation to the step's secretaries, who get an `overdue_task` to
acknowledge. (The `assigned` notice is written by the step that opens the task.)

One clock per workflow (`Deadlines`) keeps the moments of every task it opened and a timer for the
earliest, running on the workflow's event loop (deterministic). A timer is never cancelled: when it
fires, the moments that have come act on the tasks still open, and the next timer is set for the
earliest moment left. A finishing workflow waits for none of them.
"""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

from contracts.steps import EventSpec, StepWritten, TaskSpec
from workflows.core import versions
from workflows.core.local import execute_write
from workflows.core.models import TaskDecision

with workflow.unsafe.imports_passed_through():
    from workflows.core.notify_activities import NotifyActivities, NotifyRequest

if TYPE_CHECKING:
    from workflows.core.human import HumanSteps

OverdueRule = Callable[[TaskSpec], Awaitable[None]]

OVERDUE_KIND = "overdue_task"
# Runs from before these changes neither close an escalation when its late task is done nor mail
# outcome notices; `workflow.patched` tells them apart on replay.
OVERDUE_CLOSES_ITSELF = "overdue-closes-itself"
OUTCOME_MAIL = "outcome-mail"

NOTIFY_TIMEOUT = timedelta(seconds=30)
NOTIFY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), backoff_coefficient=2.0,
                           maximum_interval=timedelta(seconds=60))
MAIL_TIMEOUT = timedelta(seconds=60)
# An SMTP server that stays down costs a few minutes of retries; the notice stays in the outbox unsent.
MAIL_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), backoff_coefficient=2.0,
                         maximum_interval=timedelta(minutes=2), maximum_attempts=8)


# Runs from before this change watched each task with timers of its own (started, then cancelled when
# the task closed) and wrote each task's `assigned` notice with a local activity of its own. Now the
# step that opens a task writes its notice, and one clock per workflow keeps a single timer, for the
# earliest moment any open task has coming, never cancelled: a task closing early leaves nothing to undo.
DEADLINES_IN_STEPS = "deadlines-in-steps"


@dataclass(frozen=True)
class Moment:
    at: datetime
    order: int  # the order moments were set in, for moments at the same instant
    spec: TaskSpec
    days_left: int | None  # a reminder's; None at the deadline itself


class Deadlines:
    """What a workflow's deadlines follow: the reminder offsets (from the project's policy) and, per
    task kind, the workflow's own rule for a missed deadline (a ballot closes on its own timer, a
    panel replaces an expert) in place of the escalation."""

    def __init__(self) -> None:
        self.offsets_days: list[int] = [3, 1]
        self.on_overdue: dict[str, OverdueRule] = {}
        self.in_steps: bool | None = None  # whether this run keeps the clock (decided by its first step)
        self._moments: list[Moment] = []
        self._armed: list[datetime] = []  # the moments a timer is running for
        self._set = 0

    def decide(self) -> bool:
        """Whether steps write the `assigned` notices and the clock keeps the deadlines, for this run."""
        if self.in_steps is None:
            self.in_steps = versions.has(DEADLINES_IN_STEPS)
        return self.in_steps

    def watch(self, wf: "HumanSteps", spec: TaskSpec) -> None:
        """Called for each task the workflow has just opened."""
        if not self.decide():
            asyncio.create_task(_watch(wf, spec, list(self.offsets_days), self.on_overdue.get(spec.kind)))
            return
        if spec.due_at is None:
            return
        for days in sorted({d for d in self.offsets_days if d > 0}, reverse=True):
            remind_at = spec.due_at - wf.day * days
            if remind_at > workflow.now():  # else opened too close to its deadline for this reminder
                self._add(remind_at, spec, days)
        self._add(spec.due_at, spec, None)
        self._arm(wf)

    def _add(self, at: datetime, spec: TaskSpec, days_left: int | None) -> None:
        self._set += 1
        self._moments.append(Moment(at, self._set, spec, days_left))

    def _arm(self, wf: "HumanSteps") -> None:
        """A timer for the earliest moment of a task still open, unless one runs for that moment or an
        earlier one already."""
        coming = [m.at for m in self._moments if wf.holds(m.spec.id)]
        if not coming:
            return
        first = min(coming)
        if self._armed and min(self._armed) <= first:
            return
        self._armed.append(first)
        asyncio.create_task(self._tick(wf, first))

    async def _tick(self, wf: "HumanSteps", at: datetime) -> None:
        wait = at - workflow.now()
        if wait > timedelta(0):
            await workflow.sleep(wait)
        self._armed.remove(at)
        now = workflow.now()
        due = sorted((m for m in self._moments if m.at <= now), key=lambda m: (m.at, m.order))
        self._moments = [m for m in self._moments if m.at > now]
        for moment in due:
            if not wf.is_open(moment.spec.id):
                continue
            if moment.days_left is not None:
                asyncio.create_task(notify(moment.spec, "reminder", days_left=moment.days_left))
            else:
                missed = self.on_overdue.get(moment.spec.kind)
                asyncio.create_task(missed(moment.spec) if missed else escalate(wf, moment.spec))
        self._arm(wf)


async def _watch(wf: "HumanSteps", spec: TaskSpec, offsets_days: list[int], on_overdue: OverdueRule | None) -> None:
    """How runs from before the clock watched a task: its own notice, its own timers."""
    if spec.kind != OVERDUE_KIND:  # its escalation notice has told the same people already
        await notify(spec, "assigned")
    if spec.due_at is None:
        return
    for days in sorted({d for d in offsets_days if d > 0}, reverse=True):
        remind_at = spec.due_at - wf.day * days
        if remind_at <= workflow.now():
            continue  # opened too close to its deadline for this reminder
        if not await _still_open_at(wf, spec.id, remind_at):
            return
        await notify(spec, "reminder", days_left=days)
    if await _still_open_at(wf, spec.id, spec.due_at):
        await (on_overdue(spec) if on_overdue else escalate(wf, spec))


async def _still_open_at(wf: "HumanSteps", task_id: uuid.UUID, moment: datetime) -> bool:
    """Sleeps until `moment` unless the task closes first; whether it is still open then."""
    delay = moment - workflow.now()
    if delay > timedelta(0):
        try:
            await workflow.wait_condition(lambda: not wf.is_open(task_id), timeout=delay)
        except asyncio.TimeoutError:
            pass
    return wf.is_open(task_id)


async def notify(spec: TaskSpec, kind: str, *, days_left: int | None = None) -> None:
    """Writes the notice to the outbox and, when the worker has SMTP, mails it."""
    key = ":".join(str(part) for part in (spec.id, kind, days_left) if part is not None)
    request = NotifyRequest(task_id=spec.id, kind=kind, key=key, days_left=days_left)
    result = await execute_write(NotifyActivities.notify, request, timeout=NOTIFY_TIMEOUT, retry=NOTIFY_RETRY)
    if result.mail and result.notification_ids:
        await _mail(result.notification_ids, key)


def mail_outcomes(wf: "HumanSteps", step_id: str, written: StepWritten | bool) -> None:
    """Mails the outcome notices a step wrote when the worker mails (a bare bool: a step written before
    steps wrote outcome notices), beside the workflow's main line: a decision's answer never waits for
    an SMTP server, and `HumanSteps.finish` waits for the mail."""
    # Not isinstance(written, StepWritten): a sandbox that imports workflows.core.models anew (the Replayer's)
    # holds another class than the one the result is decoded into.
    if not isinstance(written, bool) and written.mail and written.notification_ids \
            and versions.has(OUTCOME_MAIL):
        wf.mailing.append(asyncio.create_task(_mail(written.notification_ids, step_id)))


async def _mail(notification_ids: list[uuid.UUID], about: str) -> None:
    try:
        await workflow.execute_activity_method(
            NotifyActivities.send_notification_mail, notification_ids,
            start_to_close_timeout=MAIL_TIMEOUT, retry_policy=MAIL_RETRY,
        )
    except ActivityError as exc:
        workflow.logger.warning("notices of %s stay unmailed in the outbox: %s", about, exc.cause or exc)


async def escalate(wf: "HumanSteps", spec: TaskSpec) -> None:
    """The default rule for a missed deadline: the step's secretaries (or, for a task outside any
    committee, its organisation's admins) get an `overdue_task` and an escalation notice."""
    target = await workflow.execute_activity_method(
        NotifyActivities.escalation_target, spec.id, start_to_close_timeout=NOTIFY_TIMEOUT, retry_policy=NOTIFY_RETRY
    )
    if target is None:
        return
    late = {"task_id": str(spec.id), "kind": spec.kind, "due_at": spec.due_at.isoformat()}
    overdue = TaskSpec(id=workflow.uuid4(), kind=OVERDUE_KIND, project_id=spec.project_id,
                       committee_id=target.committee_id, candidate_org_id=target.org_id,
                       candidate_role=target.role, context=late)
    await wf.write(open_tasks=[overdue], events=[EventSpec(action="task.overdue", data=late)])
    await notify(spec, "escalation")
    closes_itself = versions.has(OVERDUE_CLOSES_ITSELF)
    decided = await _acknowledgement(wf, overdue.id, spec.id if closes_itself else None)
    if decided is not None:
        await wf.write(decided=decided, events=[EventSpec(
            action="task.overdue_acknowledged", actor_id=decided.actor_id,
            data={**late, "note": decided.decision.get("note", "")},
        )])
    elif closes_itself and not wf.finished:
        # The late task was done (or closed) before anyone acknowledged: nothing is left to deal with.
        await wf.write(cancel=[overdue.id], events=[EventSpec(action="task.overdue_closed", data=late)])


async def _acknowledgement(wf: "HumanSteps", task_id: uuid.UUID, late_id: uuid.UUID | None) -> TaskDecision | None:
    """Waits like `decision_on`, but leaves the workflow's idle flag to its main line; with `late_id`,
    also ends (None) once the late task is no longer open."""
    await workflow.wait_condition(
        lambda: wf.decided(task_id) is not None or wf.finished or (late_id is not None and not wf.is_open(late_id))
    )
    return wf.decided(task_id)
