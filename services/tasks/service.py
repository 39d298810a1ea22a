import uuid

from sqlalchemy import Row, Select, and_, case, func, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from services.db import utcnow
from services.errors import Conflict, Forbidden, NotFound
from services.words import Term
from services.identity.principal import Principal
from services.tasks.forms import DecisionForm
from services.tasks.holders import candidate_clause
from services.tasks import ordering, queries
from services.tasks.queries import TASK
from services.tasks.registry import FORMS, form_for, form_schema
from services.tasks.models import ACTIVE_STATES, Task, TaskState
from services.tasks.schemas import (
    KindCount, ScopeCounts, TaskDetail, TaskFilter, TaskPage, TaskPublic, TaskScope, TaskSummary,
)


def _is_candidate(principal: Principal, task: Task | Row):
    return (task.candidate_org_id, task.candidate_role) in principal.candidate_slots


async def readable(session: AsyncSession, principal: Principal) -> SelectOfScalar[Task]:
    """Tasks assigned to the principal, offered to one of its (organisation, role) slots,
    or belonging to a committee it is secretary of."""
    return select(Task).where(await queries.readable_where(session, principal))


async def get_readable(session: AsyncSession, principal: Principal, task_id: uuid.UUID) -> Task:
    query = (await readable(session, principal)).where(Task.id == task_id)
    task = (await session.exec(query)).first()
    if task is None:
        raise NotFound("error.task.not_found")
    return task


def to_public(task: Task | Row) -> TaskPublic:
    # Validated from the columns and the titles in one pass: reading attributes and then copying the
    # model to add the titles took twice as long, which an inbox page of 50 tasks pays 50 times.
    form = form_for(task.kind)
    columns = task._mapping if isinstance(task, Row) else {name: getattr(task, name) for name in TASK.c.keys()}
    return TaskPublic.model_validate({**columns, "title_zh": form.title_zh, "title_en": form.title_en})


def to_detail(task: Task) -> TaskDetail:
    return TaskDetail(**to_public(task).model_dump(), form=form_schema(task.kind))


async def list_tasks(session: AsyncSession, principal: Principal, flt: TaskFilter) -> TaskPage:
    query = _apply_filter(sa_select(TASK).where(await queries.readable_where(session, principal)), principal, flt)
    if flt.cursor:
        query = query.where(ordering.after(flt.sort, flt.cursor))
    query = query.order_by(*ordering.order_by(flt.sort)).limit(flt.limit + 1)
    rows = await queries.rows(session, query)
    more = len(rows) > flt.limit
    rows = rows[: flt.limit]
    cursor = ordering.encode_cursor(rows[-1], flt.sort) if more else None
    return TaskPage(items=[to_public(t) for t in rows], next_cursor=cursor)


async def summarise(session: AsyncSession, principal: Principal, scope: TaskScope) -> TaskSummary:
    """How many tasks each scope holds (under the chosen kind) and each kind the principal can
    receive holds (under the chosen scope): two COUNT queries."""
    readable_tasks = sa_select(TASK).where(await queries.readable_where(session, principal))
    any_scope = _apply_filter(readable_tasks, principal, scope.model_copy(update={"assigned": "any", "overdue": False}))
    counted = sa_select(
        func.count(),
        func.count(case((TASK.c.assignee_id == principal.user_id, 1))),
        func.count(case((and_(TASK.c.assignee_id.is_(None), candidate_clause(principal)), 1))),
        func.count(case((_overdue(), 1))),
    ).where(any_scope.whereclause)
    every, me, candidate, overdue = (await queries.rows(session, counted))[0]
    any_kind = _apply_filter(readable_tasks, principal, scope.model_copy(update={"kind": None}))
    by_kind = sa_select(TASK.c.kind, func.count()).where(any_kind.whereclause).group_by(TASK.c.kind)
    counts = dict(await queries.rows(session, by_kind))
    kinds = [KindCount(kind=f.kind, title_zh=f.title_zh, title_en=f.title_en, count=counts.get(f.kind, 0))
             for f in FORMS.values() if f.kind in counts or principal.orgs_with(f.permission)]
    return TaskSummary(scopes=ScopeCounts(any=every, me=me, candidate=candidate, overdue=overdue), kinds=kinds)


def _overdue():
    return and_(col(Task.due_at) < utcnow(), col(Task.state).in_(ACTIVE_STATES))


def _apply_filter(query: Select, principal: Principal, flt: TaskScope) -> Select:
    if flt.assigned == "me":
        query = query.where(Task.assignee_id == principal.user_id)
    elif flt.assigned == "candidate":
        query = query.where(col(Task.assignee_id).is_(None), candidate_clause(principal))
    if flt.state:
        query = query.where(col(Task.state).in_(flt.state))
    if flt.kind:
        query = query.where(Task.kind == flt.kind)
    if flt.project_id:
        query = query.where(Task.project_id == flt.project_id)
    if flt.overdue:
        query = query.where(_overdue())
    if flt.due_before:
        query = query.where(col(Task.due_at) < ordering.aware(flt.due_before))
    return query


def check_may_act(principal: Principal, task: Task | Row) -> None:
    """The assignee acts on a task; while nobody holds it, any candidate may."""
    form = form_for(task.kind)
    if task.assignee_id == principal.user_id:
        return
    if not _is_candidate(principal, task):
        raise Forbidden("error.task.not_offered")
    principal.require(form.permission, task.candidate_org_id)


async def claim(session: AsyncSession, principal: Principal, task_id: uuid.UUID) -> Task:
    task = await get_readable(session, principal, task_id)
    check_may_act(principal, task)
    if task.assignee_id == principal.user_id and task.state == TaskState.claimed:
        return task
    result = await session.exec(
        update(Task)
        .where(col(Task.id) == task_id, col(Task.state) == TaskState.open, col(Task.assignee_id).is_(None))
        .values(assignee_id=principal.user_id, state=TaskState.claimed, claimed_at=utcnow())
    )
    if result.rowcount != 1:
        if task.state not in ACTIVE_STATES:
            raise Conflict("error.task.not_claimable", state=Term.of("state", task.state))
        raise Conflict("error.task.claimed_by_other")
    await session.refresh(task)
    return task


async def unclaim(session: AsyncSession, principal: Principal, task_id: uuid.UUID) -> Task:
    task = await get_readable(session, principal, task_id)
    if task.state != TaskState.claimed or task.assignee_id != principal.user_id:
        raise Conflict("error.task.unclaim_not_holder")
    if task.candidate_org_id is None:
        raise Conflict("error.task.unclaim_assigned")
    task.assignee_id, task.state, task.claimed_at = None, TaskState.open, None
    session.add(task)
    await session.flush()
    return task


def check_completion(principal: Principal, task: Task | Row, decision: DecisionForm) -> Task | Row | None:
    """On a task read through `get_readable` or `queries.readable_task`: None when the decision should
    go to the workflow; the task itself when it was already completed with this very decision (a
    repeated request gets the same answer)."""
    if task.state == TaskState.completed:
        if task.decision == decision.model_dump(mode="json") and task.completed_by_id == principal.user_id:
            return task
        raise Conflict("error.task.decided_otherwise")
    if task.state not in ACTIVE_STATES:
        raise Conflict("error.task.state", state=Term.of("state", task.state))
    if task.state == TaskState.claimed and task.assignee_id != principal.user_id:
        raise Conflict("error.task.claimed_by_other")
    check_may_act(principal, task)
    return None


async def find_open(session: AsyncSession, project_id: uuid.UUID, kind: str) -> Task | None:
    query = select(Task).where(
        Task.project_id == project_id, Task.kind == kind, col(Task.state).in_(ACTIVE_STATES)
    )
    return (await session.exec(query)).first()


async def get_task(session: AsyncSession, task_id: uuid.UUID) -> Task:
    task = await session.get(Task, task_id)
    if task is None:
        raise NotFound("error.task.not_found")
    return task
