"""Who holds a task: the one rule every domain uses to let the people who must act on a project see it.

Kept apart from services/tasks/service.py, which imports the task registry and through it every
domain's forms: the domains' `readable` queries import this module without a cycle."""

import uuid

from sqlalchemy import and_, false, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.identity.principal import Principal
from services.tasks.models import Task


def candidate_clause(principal: Principal):
    """Tasks offered to one of the principal's (organisation, role) slots: both must match."""
    # One equality pair per slot rather than a row-value IN: both SQLite and PostgreSQL then walk
    # ix_task_candidate_inbox once per slot.
    slots = sorted(principal.candidate_slots, key=lambda s: (str(s[0]), s[1]))
    if not slots:
        return false()
    return or_(*(and_(Task.candidate_org_id == org, Task.candidate_role == role) for org, role in slots))


def task_holder_projects(principal: Principal):
    """Ids of the projects with a task, in any state, that the principal holds, completed, or is a
    candidate for. Each branch of the OR has its own index (assignee, completer, candidate slot)."""
    held = or_(
        Task.assignee_id == principal.user_id,
        Task.completed_by_id == principal.user_id,
        candidate_clause(principal),
    )
    return select(Task.project_id).where(col(Task.project_id).is_not(None), held)


async def holds_task_of(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> bool:
    query = task_holder_projects(principal).where(Task.project_id == project_id).limit(1)
    return (await session.exec(query)).first() is not None
