"""How a workflow waits for people: it opens tasks, a validated update brings each decision,
and the update answers once the workflow has written what the decision leads to."""

import asyncio
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

from contracts.choices import allowed
from contracts.steps import Completion, EventSpec, ProjectChanges, StepSpec, TaskSpec
from workflows.core import failures, traces, versions
from workflows.core.deadlines import Deadlines
from workflows.core.models import DecisionCheck, ProjectSnapshot, TaskDecision
from workflows.core.refusals import Refused, refusal

with workflow.unsafe.imports_passed_through():
    from workflows.core.decision_activities import DecisionActivities

T = TypeVar("T")

STEP_TIMEOUT = timedelta(seconds=30)
STEP_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), backoff_coefficient=2.0,
                         maximum_interval=timedelta(seconds=60))
# How long a decision on a task this run has not registered yet waits for the run to catch up
# (see HumanSteps.registering) before it is refused.
CATCH_UP = timedelta(minutes=1)
# Decisions are taken only with the API's seal, checked by a local activity. Decisions taken before
# this change were not checked, and replay that way.
SEALED_DECISIONS = "sealed-decisions"
# A decision answers once the workflow waits for people (or time) again, so that whatever the decision
# leads to — the next stage, the next task, a ballot or panel it opens — is written when the person
# reads it back. Decisions taken before this change answered as soon as their own step was written.
ANSWERS_WHEN_WAITING = "answers-when-waiting"


@dataclass
class OpenTask:
    spec: TaskSpec
    allowed: frozenset[str]


class HumanSteps:
    """State and helpers shared by every workflow whose steps are people's decisions."""

    def __init__(self) -> None:
        self._open: dict[uuid.UUID, OpenTask] = {}
        self._decisions: dict[uuid.UUID, TaskDecision] = {}
        self._settled: dict[uuid.UUID, dict] = {}
        self._traced: dict[uuid.UUID, object] = {}  # the trace context each decision came in (traces.py)
        self._done_tasks: set[uuid.UUID] = set()  # decided, cancelled or expired in this run
        self._idle = False
        self._finished = False
        self._stage = ""
        self._step = ""
        self._status = ""
        self._project_id: uuid.UUID | None = None
        # How long a policy day lasts: a real day, except where a demonstration or benchmark
        # compresses the calendar (ProjectPolicy.day_seconds).
        self.day = timedelta(days=1)
        self.deadlines = Deadlines()  # reminders and escalation of every task this workflow opens
        self.mailing: list[asyncio.Task] = []  # outcome notices being mailed (deadlines.mail_outcomes)

    def keep_time(self, project_id: uuid.UUID, day_seconds: int, reminder_offsets_days: list[int]) -> None:
        """The project this workflow's tasks belong to, and its policy's day and reminders."""
        self._project_id = project_id
        self.day = timedelta(seconds=day_seconds)
        self.deadlines.offsets_days = list(reminder_offsets_days)

    def snapshot(self) -> ProjectSnapshot:
        return ProjectSnapshot(
            stage=self._stage,
            step=self._step,
            status=self._status,
            open_tasks=[{"id": t.spec.id, "kind": t.spec.kind} for t in self._open.values()],
            finished=self._finished,
        )

    def new_task(self, kind: str, *, days: int, **where: object) -> TaskSpec:
        return TaskSpec(
            id=workflow.uuid4(), kind=kind, project_id=self._project_id,
            due_at=workflow.now() + self.day * days, **where,
        )

    async def write(
        self,
        *,
        decided: TaskDecision | None = None,
        changes: ProjectChanges | None = None,
        open_tasks: list[TaskSpec] = (),
        cancel: list[uuid.UUID] = (),
        expire: list[uuid.UUID] = (),
        events: list[EventSpec] = (),
    ) -> None:
        """Write one step; then the tasks it opens take decisions, and its decision is settled."""
        changes = changes or ProjectChanges()
        moved = (changes.stage or self._stage, self._step if changes.step is None else changes.step) != (
            self._stage, self._step)
        self._stage = changes.stage or self._stage
        self._step = changes.step if changes.step is not None else self._step
        self._status = changes.status or self._status
        for task_id in [*cancel, *expire, *([decided.task_id] if decided else [])]:
            self._open.pop(task_id, None)
            self._done_tasks.add(task_id)
        outcome = self._outcome(open_tasks)
        completion = None
        if decided:
            completion = Completion(task_id=decided.task_id, decision=decided.decision,
                                    actor_id=decided.actor_id, outcome=outcome)
        step = StepSpec(
            id=str(workflow.uuid4()), workflow_id=workflow.info().workflow_id, project_id=self._project_id,
            completion=completion, changes=changes, open_tasks=list(open_tasks),
            cancel_task_ids=list(cancel), expire_task_ids=list(expire), events=list(events),
            notify_assigned=self.deadlines.decide(),
        )
        # The tasks take decisions from the moment their rows can be seen, which is as soon as the
        # activity commits: a person quick enough to complete one before the activity's result reaches
        # this workflow must not be refused.
        for spec in open_tasks:
            self._open[spec.id] = self.registered(spec)
        # A step the data refuses for good waits for people to resolve it (workflows/core/failures.py).
        with traces.within(self._traced.pop(decided.task_id, None) if decided else None):
            await failures.write_step(self, step, STEP_TIMEOUT, STEP_RETRY)
            if moved:  # the SDK's workflow logger writes nothing while a run replays
                workflow.logger.info("project %s is at stage %s, step %s", self._project_id, self._stage, self._step)
        for spec in open_tasks:
            self.deadlines.watch(self, spec)
        if decided:
            self._settled[decided.task_id] = outcome

    @staticmethod
    def registered(spec: TaskSpec) -> OpenTask:
        """An opened task as the workflow holds it: it takes the choices its kind offers
        (contracts/choices.py), the same the API's form for it offers."""
        return OpenTask(spec, allowed(spec.kind))

    def _outcome(self, opening: list[TaskSpec]) -> dict:
        still_open = [{"id": str(t.spec.id), "kind": t.spec.kind} for t in self._open.values()]
        new = [{"id": str(spec.id), "kind": spec.kind} for spec in opening]
        return {"stage": self._stage, "step": self._step, "status": self._status, "open_tasks": still_open + new}

    # The narrow interface the deadline watchers, failure handling and the ballot and panel parts use.

    @property
    def finished(self) -> bool:
        return self._finished

    def is_open(self, task_id: uuid.UUID) -> bool:
        """Open and not decided yet."""
        return task_id in self._open and task_id not in self._decisions and not self._finished

    def holds(self, task_id: uuid.UUID) -> bool:
        """Registered as open (a decision on it may be in and not acted on yet)."""
        return task_id in self._open

    def decided(self, task_id: uuid.UUID) -> TaskDecision | None:
        """The decision taken in on the task, if any."""
        return self._decisions.get(task_id)

    def abandon(self) -> None:
        """The run ends without finishing (its step was abandoned): nothing is waited for any more."""
        self._finished = True

    def decisions_on(self, task_ids: list[uuid.UUID]) -> list[TaskDecision]:
        """The decisions taken in on any of `task_ids`, in the order they came."""
        wanted = set(task_ids)
        return [d for t, d in self._decisions.items() if t in wanted]

    def open_task_ids(self) -> list[uuid.UUID]:
        return list(self._open)

    def drop(self, task_id: uuid.UUID) -> None:
        """Stops taking decisions on the task (its deadline has passed); the next step closes it."""
        self._open.pop(task_id, None)

    async def waiting(self, work: Awaitable[T]) -> T:
        """Awaits `work` — a child run, a long timer — as a wait for people or time: decisions taken
        meanwhile answer without waiting for it."""
        self._idle = True
        try:
            return await work
        finally:
            self._idle = False

    async def decision_on(self, task_id: uuid.UUID) -> TaskDecision:
        self._idle = True
        await workflow.wait_condition(lambda: task_id in self._decisions)
        self._idle = False
        return self._decisions[task_id]

    async def sleep_until(self, moment: datetime) -> None:
        """A durable timer to `moment`, waiting for people meanwhile; no timer when it has passed
        (an activity slowed by an outage may have used up the wait)."""
        wait = moment - workflow.now()
        if wait > timedelta(0):
            await self.waiting(workflow.sleep(wait))

    async def finish(self) -> None:
        """End this run: tasks still open (an escalation nobody acknowledged) are cancelled, since no
        workflow will wait for them any more."""
        if self._open:
            await self.write(cancel=list(self._open))
        if self.mailing:
            await workflow.wait_condition(lambda: all(mailing.done() for mailing in self.mailing))
        self._finished = True
        self._idle = True
        await workflow.wait_condition(workflow.all_handlers_finished)

    def registering(self, decision: TaskDecision) -> bool:
        """Whether the decision is on a task this run has neither opened nor closed yet. A step's
        tasks are written by a local activity inside a workflow task; when a worker dies in that task
        the rows stay (the write is idempotent and runs again), and a person may decide on one before
        the worker that replays the run has reached the step. Validators let such a decision through
        and `take_decision` checks it once the run has caught up."""
        return decision.task_id not in self._open and decision.task_id not in self._done_tasks and not self._finished

    def check_decision(self, decision: TaskDecision) -> OpenTask:
        task = self._open.get(decision.task_id)
        if task is None:
            raise Refused("error.task.not_open")
        if decision.task_id in self._decisions:
            raise Refused("error.task.being_recorded")
        chosen = decision.decision.get("decision")
        if chosen not in task.allowed:
            allowed = ", ".join(sorted(task.allowed))
            raise Refused("error.task.choice_not_allowed", chosen=str(chosen), allowed=allowed)
        return task

    def check_task(self, decision: TaskDecision) -> None:
        """Raises ValueError when the decision cannot be taken now; a workflow adds its own rules."""
        self.check_decision(decision)

    @workflow.update
    async def complete_task(self, decision: TaskDecision) -> dict:
        """A person's decision on one of this workflow's open tasks; answers with its outcome once the
        step it leads to is written."""
        return await self.take_decision(decision)

    @complete_task.validator
    def _validate_complete_task(self, decision: TaskDecision) -> None:
        if self.registering(decision):
            return  # checked by take_decision once the run has caught up
        try:
            self.check_task(decision)
        except ValueError as exc:
            raise refusal(exc) from None

    async def take_decision(self, decision: TaskDecision) -> dict:
        """Records the decision and answers with its outcome. Its seal is checked first (refused and
        recorded without one StandardFlow's API made). A decision that came before its task was
        registered (`registering`) is checked here, once the run has caught up."""
        sealed = versions.has(SEALED_DECISIONS)
        if sealed:
            refused = await workflow.execute_local_activity_method(
                DecisionActivities.verify_decision,
                DecisionCheck(workflow_id=workflow.info().workflow_id, decision=decision),
                start_to_close_timeout=STEP_TIMEOUT, retry_policy=STEP_RETRY,
            )
            if refused:
                raise refusal(Refused(refused))
        if sealed and not self.registering(decision):
            try:  # the run went on while the seal was checked: the task may be decided or closed by now
                self.check_task(decision)
            except ValueError as exc:
                raise refusal(exc) from None
        if self.registering(decision):
            try:
                await workflow.wait_condition(lambda: not self.registering(decision), timeout=CATCH_UP)
            except asyncio.TimeoutError:
                pass  # never registered: check_task refuses it as not open
            try:
                self.check_task(decision)
            except ValueError as exc:
                raise refusal(exc) from None
        self._decisions[decision.task_id] = decision
        self._traced[decision.task_id] = traces.current()
        await workflow.wait_condition(lambda: decision.task_id in self._settled or self._finished)
        self._traced.pop(decision.task_id, None)
        if versions.has(ANSWERS_WHEN_WAITING):
            await workflow.wait_condition(lambda: self._idle or self._finished)
        return self._settled.get(decision.task_id, self.snapshot().model_dump(mode="json"))

    async def wait_settled(self) -> ProjectSnapshot:
        await workflow.wait_condition(lambda: self._idle)
        return self.snapshot()
