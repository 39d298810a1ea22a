"""Who is asked about a step that failed for good (workflows/core/failures.py)."""

import uuid

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from contracts.steps import StepSpec
from services.committees.models import Committee
from services.db import transaction
from services.identity.permissions import Role
from services.projects.models import StandardProject
from services.tasks.models import Task


class FailureTarget(BaseModel):
    org_id: uuid.UUID
    role: str
    committee_id: uuid.UUID | None


class FailureActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name="failure_target")
    async def failure_target(self, step: StepSpec) -> FailureTarget | None:
        """The secretaries of the project's committee; for a step outside any project, the admins of the
        organisation its tasks are offered to; None when the step names neither."""
        async with transaction(self._sessions) as session:
            project = await session.get(StandardProject, step.project_id) if step.project_id else None
            if project is not None:
                committee = await session.get(Committee, project.committee_id)
                return FailureTarget(org_id=committee.org_id, role=Role.secretary.value, committee_id=committee.id)
            org_id = await _organisation_of(session, step)
        return FailureTarget(org_id=org_id, role=Role.admin.value, committee_id=None) if org_id else None


async def _organisation_of(session: AsyncSession, step: StepSpec) -> uuid.UUID | None:
    offered = [task.candidate_org_id for task in step.open_tasks if task.candidate_org_id]
    if offered:
        return offered[0]
    completed = await session.get(Task, step.completion.task_id) if step.completion else None
    return completed.candidate_org_id if completed else None
