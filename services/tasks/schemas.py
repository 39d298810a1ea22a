import re
import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.inputs import NUL_FREE, ClientInput
from services.tasks.models import TaskState
from services.errors import rule


_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z")


class TaskSort(StrEnum):
    """due: soonest due first, tasks without a due date last; priority: highest first, then by due
    date; age: oldest first."""

    due = "due"
    priority = "priority"
    age = "age"


class TaskScope(ClientInput):
    """Which tasks of the inbox: the filters that the list and its counts share."""

    model_config = ConfigDict(extra="forbid")

    assigned: str = Field(default="any", pattern="^(any|me|candidate)$")
    state: list[TaskState] = Field(default_factory=lambda: [TaskState.open, TaskState.claimed])
    kind: str | None = Field(default=None, max_length=48, pattern=NUL_FREE)
    project_id: uuid.UUID | None = None
    overdue: bool = False
    due_before: datetime | None = None

    @field_validator("due_before", mode="before")
    @classmethod
    def _written_as_a_date_and_time(cls, value: object) -> object:
        # Pydantic would also take a number of seconds since 1970; the schema promises a date-time.
        if isinstance(value, int | float) or (isinstance(value, str) and not _DATE_TIME.match(value)):
            raise rule("date_time")
        return value


class TaskFilter(TaskScope):
    sort: TaskSort = TaskSort.due
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=500, pattern=NUL_FREE)


class TaskPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    title_zh: str = ""
    title_en: str = ""
    project_id: uuid.UUID | None
    committee_id: uuid.UUID | None
    assignee_id: uuid.UUID | None
    candidate_org_id: uuid.UUID | None
    candidate_role: str | None
    state: TaskState
    priority: int
    due_at: datetime | None
    context: dict
    decision: dict | None
    outcome: dict | None
    completed_by_id: uuid.UUID | None
    created_at: datetime
    claimed_at: datetime | None
    completed_at: datetime | None


class TaskDetail(TaskPublic):
    form: dict


class TaskPage(BaseModel):
    items: list[TaskPublic]
    next_cursor: str | None


class ScopeCounts(BaseModel):
    """How many tasks each scope of the inbox holds, under the chosen kind."""

    any: int
    me: int
    candidate: int
    overdue: int


class KindCount(BaseModel):
    """A kind of task the reader can receive, with how many the chosen scope holds."""

    kind: str
    title_zh: str
    title_en: str
    count: int


class TaskSummary(BaseModel):
    scopes: ScopeCounts
    kinds: list[KindCount]
