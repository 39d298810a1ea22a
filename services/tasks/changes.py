"""The task change log: SQLite's stand-in for PostgreSQL's NOTIFY.

A step that opens, claims or closes tasks writes one row per task here in its own transaction; the
API's one watcher per process reads the rows after the highest sequence number it has seen. SQLite
serialises writers (every writing transaction begins IMMEDIATE), so sequence numbers are handed out in
commit order and a reader never skips a row a later commit could fill in. On PostgreSQL the same
changes travel by NOTIFY instead and this table stays empty (services/tasks/feed.py)."""

import uuid

from sqlmodel import Field, SQLModel


class TaskChange(SQLModel, table=True):
    __tablename__ = "task_change"

    seq: int | None = Field(default=None, primary_key=True)
    task_id: uuid.UUID
    kind: str = Field(max_length=48)
    change: str = Field(max_length=16)  # opened, claimed, unclaimed, closed
