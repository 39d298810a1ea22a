"""Activities: thin adapters from workflow steps to the same service functions the API calls."""

import uuid
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from services.db import transaction
from services.projects import steps
from workflows.models import StepSpec


def _uuid(value: object) -> uuid.UUID | None:
    return value if value is None or isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def to_service_step(spec: StepSpec) -> steps.Step:
    changes = spec.changes.model_dump(exclude_none=True)
    completion = None
    if spec.completion:
        c = spec.completion
        completion = steps.Completion(task_id=c.task_id, decision=c.decision, actor_id=c.actor_id,
                                      outcome=c.outcome)
    return steps.Step(
        id=spec.id,
        workflow_id=spec.workflow_id,
        project_id=spec.project_id,
        completion=completion,
        project_changes=changes,
        open_tasks=[steps.NewTask(**t.model_dump()) for t in spec.open_tasks],
        cancel_task_ids=list(spec.cancel_task_ids),
        expire_task_ids=list(spec.expire_task_ids),
        events=[steps.Event(action=e.action, data=e.data, actor_id=_uuid(e.actor_id)) for e in spec.events],
    )


class StepActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name="apply_step")
    async def apply_step(self, spec: StepSpec) -> bool:
        async with transaction(self._sessions) as session:
            return await steps.apply_step(session, to_service_step(spec))
