"""A step that cannot be written goes to people, not into a stuck workflow.

`apply_step` retries what may pass by itself (the database briefly away) and gives up at once on
what no retry can fix (a constraint the step violates): it raises a non-retryable ApplicationError.
Then the committee's secretaries (or, outside any project, the admins of the organisation the step
concerns) get a `resolve_failure` task with the error: once the data is put right they `retry` the
step, or they `abandon` it and the project is withdrawn with their reasons.
"""

from datetime import timedelta
from typing import TYPE_CHECKING

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from contracts.steps import EventSpec, ProjectChanges, StepSpec, TaskSpec
from workflows.core.deadlines import mail_outcomes
from workflows.core.local import execute_write
from workflows.core.models import TaskDecision

with workflow.unsafe.imports_passed_through():
    from workflows.core.step_activities import StepActivities
    from workflows.core.failure_activities import FailureActivities, FailureTarget

if TYPE_CHECKING:
    from workflows.core.human import HumanSteps

RESOLVE_KIND = "resolve_failure"
ABANDONED = "StepAbandoned"  # the type of the error a workflow ends with when its step is abandoned
_MAX_ERROR = 2_000


async def write_step(wf: "HumanSteps", step: StepSpec, timeout: timedelta, retry: RetryPolicy) -> None:
    """Applies the step; each permanent failure waits for a person's decision on it."""
    while True:
        try:
            written = await execute_write(StepActivities.apply_step, step, timeout=timeout, retry=retry)
            mail_outcomes(wf, step.id, written)
            return
        except (ActivityError, ApplicationError) as exc:
            error = _permanent(exc)
            if error is None or any(task.kind == RESOLVE_KIND for task in step.open_tasks):
                raise  # nobody can be asked when asking is what failed
            target = await workflow.execute_activity_method(
                FailureActivities.failure_target, step, start_to_close_timeout=timeout, retry_policy=retry
            )
            if target is None:
                raise
            await _resolve(wf, step, target, _about(step, error))


def _permanent(exc: ActivityError | ApplicationError) -> ApplicationError | None:
    """The error no retry can fix: an activity's failure carries it as its cause, a local activity's
    (workflows/core/local.py) comes as itself."""
    error = exc.cause if isinstance(exc, ActivityError) else exc
    return error if isinstance(error, ApplicationError) and error.non_retryable else None


def _about(step: StepSpec, error: ApplicationError) -> dict:
    """What the people resolving it read: the error and what the step was to write."""
    return {
        "error": error.message[:_MAX_ERROR], "error_type": error.type or "", "workflow_id": step.workflow_id,
        "step": {
            "changes": step.changes.model_dump(mode="json", exclude_none=True),
            "opens": [task.kind for task in step.open_tasks],
            "completes": str(step.completion.task_id) if step.completion else None,
        },
    }


async def _resolve(wf: "HumanSteps", step: StepSpec, target: FailureTarget, about: dict) -> None:
    """Returns when the step is to be tried again; raises when it is abandoned."""
    task = TaskSpec(id=workflow.uuid4(), kind=RESOLVE_KIND, project_id=step.project_id,
                    committee_id=target.committee_id, candidate_org_id=target.org_id,
                    candidate_role=target.role, context=about)
    await wf.write(open_tasks=[task], events=[EventSpec(action="step.failed", data=about)])
    decided = await wf.decision_on(task.id)
    if decided.decision["decision"] == "abandon":
        await _abandon(wf, step, decided, about)
    await wf.write(decided=decided, events=[EventSpec(action="step.retried", actor_id=decided.actor_id, data=about)])


async def _abandon(wf: "HumanSteps", step: StepSpec, decided: TaskDecision, about: dict) -> None:
    """The project is withdrawn, every task the workflow still holds is cancelled (those the failed
    step was to close too), and the workflow ends failed with the reasons: nothing is left to wait for."""
    reasons = decided.decision.get("reasons", "")
    unwritten = [*step.cancel_task_ids, *step.expire_task_ids, *([step.completion.task_id] if step.completion else [])]
    await wf.write(
        decided=decided, changes=ProjectChanges(status="withdrawn", step=""),
        cancel=[*(t for t in wf.open_task_ids() if t != decided.task_id), *unwritten],
        events=[EventSpec(action="project.withdrawn", actor_id=decided.actor_id,
                          data={"reasons": reasons, "failure": about})],
    )
    wf.abandon()
    await workflow.wait_condition(workflow.all_handlers_finished)
    raise ApplicationError(f"withdrawn after a step failed: {reasons}", about, type=ABANDONED, non_retryable=True)
