"""The inbox's feed of task changes: which tasks the workflows' steps open and close (and people claim
or give back), told to every API process once the change is committed, and passed to each subscriber
only for the tasks its principal could see in the inbox (the inbox's own rule, `readable`).

How the news travels from the writer (the worker, or an API process for a claim) to the API processes:

- PostgreSQL: `announce` calls pg_notify in the writer's transaction, so it is delivered on commit and
  never for a step rolled back. Each API process holds one LISTEN connection for all its subscribers.
- SQLite, which has no NOTIFY: `announce` writes rows to task_change (services/tasks/changes.py) in
  the writer's transaction. Each API process runs one watcher that reads the rows after the last it
  saw every WATCH_SECONDS, for all its subscribers together: one indexed query a tick, whoever listens.

A process's feed runs only while someone subscribes: the first subscriber starts it, the last stops it.
"""

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import psycopg
from sqlalchemy import delete, func, text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.db import transaction
from services.identity.principal import Principal
from services.tasks import service as tasks
from services.tasks.changes import TaskChange
from services.tasks.models import ACTIVE_STATES, Task

if TYPE_CHECKING:
    from services.projects.steps import Step

log = logging.getLogger(__name__)

CHANNEL = "standardflow_tasks"
NOTIFY_CHUNK = 50  # changes per NOTIFY: ~100 bytes each, well under PostgreSQL's 8000-byte payload
KEEP_CHANGES = 10_000  # rows task_change keeps on SQLite: far more than a watcher reads in one tick
WATCH_SECONDS = 0.2  # how often the SQLite watcher reads task_change
READ_LIMIT = 1_000  # rows the watcher reads at most per tick; the rest come on the next
RETRY_SECONDS = 2.0  # before listening or watching again after the database went away
QUEUE_BATCHES = 200  # batches a subscriber may fall behind by before it is told to read its inbox again


@dataclass(frozen=True)
class TaskEvent:
    task_id: uuid.UUID
    kind: str
    change: str  # opened, claimed, unclaimed, closed


@dataclass(frozen=True)
class Batch:
    """Changes committed together (one step, one claim, or one watcher tick)."""

    events: list[TaskEvent] = field(default_factory=list)
    resync: bool = False  # changes may have been missed (the database was away, the reader fell behind)


# --- writing: called in the writer's transaction -------------------------------------------------

async def announce_step(session: AsyncSession, step: "Step") -> None:
    """Tells the API processes what the step about to be written does to tasks: the tasks it opens, and
    those it completes, cancels or expires that are open now (a step closes only open tasks). Loading
    those tasks here costs the step nothing: it finds them in the session instead of reading them."""
    events = [TaskEvent(spec.id, spec.kind, "opened") for spec in step.open_tasks]
    closing = [*([step.completion.task_id] if step.completion else []), *step.cancel_task_ids,
               *step.expire_task_ids]
    if closing:
        query = select(Task).where(col(Task.id).in_(closing), col(Task.state).in_(ACTIVE_STATES))
        events += [TaskEvent(task.id, task.kind, "closed") for task in (await session.exec(query)).all()]
    await announce(session, events)


async def announce_claim(session: AsyncSession, task: Task, claimed: bool) -> None:
    await announce(session, [TaskEvent(task.id, task.kind, "claimed" if claimed else "unclaimed")])


async def announce(session: AsyncSession, events: list[TaskEvent]) -> None:
    if not events:
        return
    if session.bind.dialect.name == "postgresql":
        for start in range(0, len(events), NOTIFY_CHUNK):
            payload = json.dumps([[str(e.task_id), e.kind, e.change] for e in events[start:start + NOTIFY_CHUNK]])
            await session.exec(text("SELECT pg_notify(:channel, :payload)").bindparams(channel=CHANNEL, payload=payload))
        return
    rows = [TaskChange(task_id=e.task_id, kind=e.kind, change=e.change) for e in events]
    session.add_all(rows)
    await session.flush()
    await session.exec(delete(TaskChange).where(col(TaskChange.seq) <= rows[-1].seq - KEEP_CHANGES))


# --- reading: one feed per API process ---------------------------------------------------------

class TaskFeed:
    """Every task change committed, for the subscribers of one process, unfiltered."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._queues: set[asyncio.Queue[Batch]] = set()
        self._runner: asyncio.Task | None = None
        self._ready = asyncio.Event()

    @asynccontextmanager
    async def subscribe(self, principal: Principal) -> AsyncIterator["Subscription"]:
        """Once this is entered, every change committed afterwards reaches the subscription."""
        queue: asyncio.Queue[Batch] = asyncio.Queue(maxsize=QUEUE_BATCHES)
        self._queues.add(queue)
        if self._runner is None:
            self._ready = asyncio.Event()
            self._runner = asyncio.create_task(self._run(self._ready), name="task feed")
        try:
            await self._ready.wait()
            yield Subscription(queue, self._sessions, principal)
        finally:
            self._queues.discard(queue)
            if not self._queues and self._runner is not None:
                runner, self._runner = self._runner, None
                runner.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await runner

    def _publish(self, batch: Batch) -> None:
        for queue in self._queues:
            if queue.full():  # a reader this far behind reads its inbox again instead
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(Batch(resync=True))
            else:
                queue.put_nowait(batch)

    def _listening(self, ready: asyncio.Event) -> None:
        if ready.is_set():  # listening again after a failure: whatever happened meanwhile is lost
            self._publish(Batch(resync=True))
        ready.set()

    async def _run(self, ready: asyncio.Event) -> None:
        engine = self._sessions.kw["bind"]
        source = self._listen if engine.dialect.name == "postgresql" else self._watch
        while True:
            try:
                await source(ready)
            except Exception:  # noqa: BLE001 - the database went away; subscribers wait, then resync
                log.warning("the task feed lost the database; trying again in %s s", RETRY_SECONDS, exc_info=True)
                ready.set()
            await asyncio.sleep(RETRY_SECONDS)

    async def _listen(self, ready: asyncio.Event) -> None:
        url = self._sessions.kw["bind"].url.set(drivername="postgresql").render_as_string(hide_password=False)
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as connection:
            await connection.execute(f"LISTEN {CHANNEL}")
            self._listening(ready)
            async for notice in connection.notifies():
                self._publish(Batch(events=list(_decode(notice.payload))))

    async def _watch(self, ready: asyncio.Event) -> None:
        async with transaction(self._sessions, read_only=True) as session:
            seen = (await session.exec(select(func.max(TaskChange.seq)))).one() or 0
        self._listening(ready)
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            async with transaction(self._sessions, read_only=True) as session:
                query = select(TaskChange).where(col(TaskChange.seq) > seen).order_by(col(TaskChange.seq))
                rows = (await session.exec(query.limit(READ_LIMIT))).all()
            if rows:
                missed = rows[0].seq > seen + 1 and seen > 0  # pruned before this process read them
                seen = rows[-1].seq
                self._publish(Batch(events=[TaskEvent(r.task_id, r.kind, r.change) for r in rows], resync=missed))


def _decode(payload: str) -> Iterable[TaskEvent]:
    for task_id, kind, change in json.loads(payload):
        yield TaskEvent(uuid.UUID(task_id), kind, change)


class Subscription:
    """One subscriber's share of the feed: the changes to tasks its principal could see in the inbox."""

    def __init__(self, queue: asyncio.Queue[Batch], sessions: async_sessionmaker[AsyncSession],
                 principal: Principal) -> None:
        self._queue, self._sessions, self._principal = queue, sessions, principal
        self._readable = None  # the inbox's query, made once per subscription

    async def next(self, timeout: float) -> Batch | None:
        """The next changes the principal may see (None when `timeout` passes without any)."""
        loop = asyncio.get_running_loop()
        ends = loop.time() + timeout
        while (left := ends - loop.time()) > 0:
            try:
                batch = await asyncio.wait_for(self._queue.get(), left)
            except TimeoutError:
                return None
            if batch.resync:
                return batch
            shown = await self._visible(batch.events)
            if shown:
                return Batch(events=shown)
        return None

    async def _visible(self, events: list[TaskEvent]) -> list[TaskEvent]:
        """One query for the whole batch, through the inbox's own rule of who sees which task."""
        async with transaction(self._sessions, read_only=True) as session:
            if self._readable is None:
                self._readable = await tasks.readable(session, self._principal)
            query = self._readable.with_only_columns(Task.id).where(col(Task.id).in_({e.task_id for e in events}))
            shown = set((await session.exec(query)).all())
        return [e for e in events if e.task_id in shown]
