"""The task reads every request makes, in SQLAlchemy Core: select() on the task table, plain rows back
(no entities, nothing kept in the session's identity map), for the inbox's list and counts and for the
check and read-back of a completion. A row has the task's columns as attributes, so the schemas and
rules that take a Task take it as well.

Who may read a task is one rule (`visible`): assigned to the principal, offered to one of its
(organisation, role) slots, or belonging to a committee it is secretary of."""

import uuid

from sqlalchemy import ColumnElement, Row, Select, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.committees.models import CommitteeMember, CommitteeSeat
from services.committees.service import committees_where_secretary
from services.errors import NotFound
from services.identity.principal import Principal
from services.tasks.holders import candidate_clause
from services.tasks.models import Task

TASK = Task.__table__


def visible(principal: Principal, secretary_of: list[uuid.UUID] | Select) -> ColumnElement[bool]:
    """The rule, given the committees the principal is secretary of, as ids or as a subquery."""
    clauses = [TASK.c.assignee_id == principal.user_id, candidate_clause(principal)]
    if not isinstance(secretary_of, list) or secretary_of:
        clauses.append(TASK.c.committee_id.in_(secretary_of))
    return or_(*clauses)


async def readable_where(session: AsyncSession, principal: Principal) -> ColumnElement[bool]:
    """For queries over many tasks: the committees are read first and named by id, so that each branch
    of the OR walks its own index (a subquery there would make PostgreSQL filter every task)."""
    return visible(principal, await committees_where_secretary(session, principal.user_id))


async def rows(session: AsyncSession, query: Select) -> list[Row]:
    """The rows of a Core query, in the session's transaction."""
    return list((await session.exec(query)).all())


async def readable_task(session: AsyncSession, principal: Principal, task_id: uuid.UUID) -> Row:
    """One task by id, if the principal may read it: one query, the committees as a subquery."""
    secretary_of = select(CommitteeMember.__table__.c.committee_id).where(
        CommitteeMember.__table__.c.user_id == principal.user_id,
        CommitteeMember.__table__.c.seat == CommitteeSeat.secretary,
    )
    found = await rows(session, select(TASK).where(TASK.c.id == task_id, visible(principal, secretary_of)))
    if not found:
        raise NotFound("error.task.not_found")
    return found[0]


async def task_row(session: AsyncSession, task_id: uuid.UUID) -> Row:
    found = await rows(session, select(TASK).where(TASK.c.id == task_id))
    if not found:
        raise NotFound("error.task.not_found")
    return found[0]
