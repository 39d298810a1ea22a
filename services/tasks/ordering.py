"""The inbox's sort orders and the cursors that page through them.

A cursor is the sort key of the last task of a page; the next page is every task after it in the
same order (keyset paging), so tasks arriving or closing meanwhile never shift a page."""

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, false, or_
from sqlmodel import col

from services.errors import Invalid
from services.tasks.models import Task
from services.tasks.schemas import TaskSort


@dataclass(frozen=True)
class SortKey:
    name: str  # a column of Task
    descending: bool = False
    nullable: bool = False  # nulls come last, in either direction


# Every order ends with the task's id, so that equal keys still page in a fixed order.
SORT_KEYS: dict[TaskSort, tuple[SortKey, ...]] = {
    TaskSort.due: (SortKey("due_at", nullable=True),),
    TaskSort.priority: (SortKey("priority", descending=True), SortKey("due_at", nullable=True)),
    TaskSort.age: (SortKey("created_at"),),
}


def order_by(sort: TaskSort) -> list:
    clauses = []
    for key in SORT_KEYS[sort]:
        column = col(getattr(Task, key.name))
        clause = column.desc() if key.descending else column.asc()
        clauses.append(clause.nulls_last() if key.nullable else clause)
    return [*clauses, col(Task.id).asc()]


def after(sort: TaskSort, cursor: str):
    """Tasks that come after the cursor's task in this order."""
    values, last_id = decode_cursor(cursor, sort)
    beyond, equal = [], []
    for key, value in zip(SORT_KEYS[sort], values, strict=True):
        column = col(getattr(Task, key.name))
        beyond.append(and_(*equal, _beyond(column, key, value)))
        equal.append(column.is_(None) if value is None else column == value)
    beyond.append(and_(*equal, col(Task.id) > last_id))
    return or_(*beyond)


def _beyond(column, key: SortKey, value: object):
    if value is None:
        return false()  # nulls come last: only later keys order them
    further = column < value if key.descending else column > value
    return or_(further, column.is_(None)) if key.nullable else further


def encode_cursor(task: Task, sort: TaskSort) -> str:
    values = [getattr(task, key.name) for key in SORT_KEYS[sort]]
    payload = [v.isoformat() if isinstance(v, datetime) else v for v in values] + [str(task.id)]
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


def decode_cursor(cursor: str, sort: TaskSort) -> tuple[list[object], uuid.UUID]:
    keys = SORT_KEYS[sort]
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(payload, list) or len(payload) != len(keys) + 1:
            raise ValueError("a cursor of another sort order")
        values = [_value(key, value) for key, value in zip(keys, payload, strict=False)]
        return values, uuid.UUID(payload[-1])
    except (ValueError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise Invalid("error.cursor", field="cursor") from exc


def _value(key: SortKey, value: object) -> object:
    if value is None and key.nullable:
        return None
    if key.name == "priority":
        return _priority(value)
    return aware(datetime.fromisoformat(value))


def _priority(value: object) -> int:
    # Bounded as the column is: a made-up 1e400 or 10**30 must not reach the database.
    if not isinstance(value, int) or isinstance(value, bool) or not -(2**31) <= value < 2**31:
        raise ValueError(f"not a task priority: {value!r}")
    return value


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
