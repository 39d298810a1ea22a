"""Writing what a workflow decided: one step, one transaction, written at most once."""

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.steps import Completion, StepSpec, StepWritten
from services.audit import service as audit
from services.db import utcnow
from services.notifications.messages import NoticeSite
from services.notifications.escalations import OVERDUE_KIND
from services.notifications.models import NotificationKind
from services.notifications.outcomes import notify_outcomes
from services.notifications.service import TaskNotice, notify_task
from services.projects.models import StandardProject
from services.tasks.feed import announce_step
from services.tasks.models import ACTIVE_STATES, AppliedStep, Task, TaskState


async def apply_step(session: AsyncSession, step: StepSpec, site: NoticeSite | None = None) -> StepWritten:
    """Not `written` when this step was written before (a retried activity).

    What the step reads comes first (the tasks it closes, the project it changes), then everything it
    writes is added and flushed at once; the audit records and notices follow, written by the last
    flush. A flush costs far more than the rows it writes, so the step makes as few as it can."""
    if await session.get(AppliedStep, step.id) is not None:
        return StepWritten(written=False)
    await announce_step(session, step)  # the inbox feed's news, delivered on commit; loads the closing tasks
    changes = step.changes.model_dump(exclude_none=True)
    project = await session.get(StandardProject, step.project_id) if step.project_id else None
    session.add(AppliedStep(id=step.id, workflow_id=step.workflow_id))
    if step.completion:
        await _complete(session, step.completion)
    if changes and project is not None:
        _change_project(session, project, changes)
    for task_id in step.cancel_task_ids:
        await _close_unfinished(session, task_id, TaskState.cancelled)
    for task_id in step.expire_task_ids:
        await _close_unfinished(session, task_id, TaskState.expired)
    opened = [Task(**spec.model_dump(), workflow_id=step.workflow_id) for spec in step.open_tasks]
    session.add_all(opened)
    await session.flush()
    for event in step.events:
        await audit.record(
            session, action=event.action, object_type="project", object_id=step.project_id,
            actor_id=event.actor_id, actor_label="user" if event.actor_id else "workflow",
            project_id=step.project_id, data=event.data, flush=False,
        )
    notices = await _assigned(session, opened, site) if step.notify_assigned else []
    notices += await notify_outcomes(session, step.id, step.project_id, step.events, site or NoticeSite())
    await session.flush()
    return StepWritten(written=True, notification_ids=notices)


async def _assigned(session: AsyncSession, opened: list[Task], site: NoticeSite | None) -> list[uuid.UUID]:
    """Each opened task's `assigned` notice, to whoever it is for; an escalation's own notice has told the
    same people already."""
    written = []
    for task in opened:
        if task.kind != OVERDUE_KIND:
            notice = TaskNotice(task_id=task.id, kind=NotificationKind.assigned, key=f"{task.id}:assigned")
            written += await notify_task(session, notice, site, task=task, new=True)
    return written


async def _complete(session: AsyncSession, completion: Completion) -> None:
    task = await session.get(Task, completion.task_id)
    if task is None or task.state not in ACTIVE_STATES:
        return
    task.state = TaskState.completed
    task.decision = completion.decision
    task.outcome = completion.outcome
    task.completed_by_id = completion.actor_id
    task.completed_at = utcnow()
    if task.assignee_id is None:
        task.assignee_id = completion.actor_id
    session.add(task)


async def _close_unfinished(session: AsyncSession, task_id: uuid.UUID, state: TaskState) -> None:
    """A task nobody completed: cancelled when the workflow no longer needs it, expired when its
    deadline passed."""
    task = await session.get(Task, task_id)
    if task is not None and task.state in ACTIVE_STATES:
        task.state = state
        session.add(task)


def _change_project(session: AsyncSession, project: StandardProject, changes: dict) -> None:
    for name, value in changes.items():
        setattr(project, name, value)
    project.updated_at = utcnow()
    session.add(project)
