import base64
import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import and_, false, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from services.committees.service import committees_where_secretary
from services.db import utcnow
from services.errors import Conflict, Forbidden, Invalid, NotFound
from services.identity.principal import Principal
from services.tasks.forms import DecisionForm
from services.tasks.registry import form_for, form_schema
from services.tasks.models import ACTIVE_STATES, Task, TaskState
from services.tasks.schemas import TaskDetail, TaskFilter, TaskPage, TaskPublic, TaskSort


def _is_candidate(principal: Principal, task: Task):
    return (task.candidate_org_id, task.candidate_role) in principal.candidate_slots


def _candidate_clause(principal: Principal):
    # One equality pair per slot rather than a row-value IN: both SQLite and PostgreSQL then walk
    # ix_task_candidate_inbox once per slot.
    slots = sorted(principal.candidate_slots, key=lambda s: (str(s[0]), s[1]))
    if not slots:
        return false()
    return or_(*(and_(Task.candidate_org_id == org, Task.candidate_role == role) for org, role in slots))


async def readable(session: AsyncSession, principal: Principal) -> SelectOfScalar[Task]:
    """Tasks assigned to the principal, offered to one of its (organisation, role) slots,
    or belonging to a committee it is secretary of."""
    clauses = [Task.assignee_id == principal.user_id, _candidate_clause(principal)]
    secretary_of = await committees_where_secretary(session, principal.user_id)
    if secretary_of:
        clauses.append(col(Task.committee_id).in_(secretary_of))
    return select(Task).where(or_(*clauses))


async def get_readable(session: AsyncSession, principal: Principal, task_id: uuid.UUID) -> Task:
    query = (await readable(session, principal)).where(Task.id == task_id)
    task = (await session.exec(query)).first()
    if task is None:
        raise NotFound("task not found")
    return task


def to_public(task: Task) -> TaskPublic:
    form = form_for(task.kind)
    return TaskPublic.model_validate(task).model_copy(update={"title_zh": form.title_zh, "title_en": form.title_en})


def to_detail(task: Task) -> TaskDetail:
    return TaskDetail(**to_public(task).model_dump(), form=form_schema(task.kind))


_SORT_COLUMNS = {
    TaskSort.due: (col(Task.due_at), False),
    TaskSort.priority: (col(Task.priority), True),
    TaskSort.created: (col(Task.created_at), False),
    TaskSort.created_desc: (col(Task.created_at), True),
}


async def list_tasks(session: AsyncSession, principal: Principal, flt: TaskFilter) -> TaskPage:
    query = await readable(session, principal)
    query = _apply_filter(query, principal, flt)
    column, descending = _SORT_COLUMNS[flt.sort]
    if flt.cursor:
        value, last_id = _decode_cursor(flt.cursor, flt.sort)
        after = column < value if descending else column > value
        tie = and_(column == value, col(Task.id) > last_id)
        query = query.where(or_(after, tie))
    query = query.order_by(column.desc() if descending else column.asc(), col(Task.id)).limit(flt.limit + 1)
    rows = list((await session.exec(query)).all())
    more = len(rows) > flt.limit
    rows = rows[: flt.limit]
    cursor = _encode_cursor(rows[-1], flt.sort) if more else None
    return TaskPage(items=[to_public(t) for t in rows], next_cursor=cursor)


def _apply_filter(query: SelectOfScalar[Task], principal: Principal, flt: TaskFilter) -> SelectOfScalar[Task]:
    if flt.assigned == "me":
        query = query.where(Task.assignee_id == principal.user_id)
    elif flt.assigned == "candidate":
        query = query.where(col(Task.assignee_id).is_(None), _candidate_clause(principal))
    if flt.state:
        query = query.where(col(Task.state).in_(flt.state))
    if flt.kind:
        query = query.where(Task.kind == flt.kind)
    if flt.project_id:
        query = query.where(Task.project_id == flt.project_id)
    if flt.overdue:
        query = query.where(col(Task.due_at) < utcnow(), col(Task.state).in_(ACTIVE_STATES))
    if flt.due_before:
        query = query.where(col(Task.due_at) < _aware(flt.due_before))
    return query


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _encode_cursor(task: Task, sort: TaskSort) -> str:
    column = {TaskSort.due: "due_at", TaskSort.priority: "priority"}.get(sort, "created_at")
    value = getattr(task, column)
    payload = [value.isoformat() if isinstance(value, datetime) else value, str(task.id)]
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


def _decode_cursor(cursor: str, sort: TaskSort) -> tuple[object, uuid.UUID]:
    try:
        value, last_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if sort == TaskSort.priority:
            return _priority(value), uuid.UUID(last_id)
        return _aware(datetime.fromisoformat(value)), uuid.UUID(last_id)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise Invalid("cursor is not one this server gave out", field="cursor") from exc


def _priority(value: object) -> int:
    # Bounded as the column is: a made-up 1e400 or 10**30 must not reach the database.
    if not isinstance(value, int) or not -(2**31) <= value < 2**31:
        raise ValueError(f"not a task priority: {value!r}")
    return value


def check_may_act(principal: Principal, task: Task) -> None:
    """The assignee acts on a task; while nobody holds it, any candidate may."""
    form = form_for(task.kind)
    if task.assignee_id == principal.user_id:
        return
    if not _is_candidate(principal, task):
        raise Forbidden("this task is not offered to you")
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
        raise Conflict(f"this task is {task.state} and cannot be claimed" if task.state not in ACTIVE_STATES
                       else "someone else has claimed this task")
    await session.refresh(task)
    return task


async def unclaim(session: AsyncSession, principal: Principal, task_id: uuid.UUID) -> Task:
    task = await get_readable(session, principal, task_id)
    if task.state != TaskState.claimed or task.assignee_id != principal.user_id:
        raise Conflict("only the person holding a claimed task can give it back")
    if task.candidate_org_id is None:
        raise Conflict("this task was assigned to you by name and cannot be given back")
    task.assignee_id, task.state, task.claimed_at = None, TaskState.open, None
    session.add(task)
    await session.flush()
    return task


def check_completion(principal: Principal, task: Task, decision: DecisionForm) -> Task | None:
    """On a task read through `get_readable`: None when the decision should go to the workflow; the
    task itself when it was already completed with this very decision (a repeated request gets the
    same answer)."""
    if task.state == TaskState.completed:
        if task.decision == decision.model_dump(mode="json") and task.completed_by_id == principal.user_id:
            return task
        raise Conflict("this task has been completed already with another decision")
    if task.state not in ACTIVE_STATES:
        raise Conflict(f"this task is {task.state}")
    if task.state == TaskState.claimed and task.assignee_id != principal.user_id:
        raise Conflict("someone else has claimed this task")
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
        raise NotFound("task not found")
    return task
