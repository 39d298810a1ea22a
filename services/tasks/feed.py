"""The inbox's feed of task changes: which tasks the workflows' steps open and close (and people claim
or give back), told to every API process once the change is committed, and passed to each subscriber
only for the tasks its principal could see in the inbox (the inbox's own rule, `readable`).

How the news travels from the writer (the worker, or an API process for a claim) to the API processes:

- PostgreSQL: `announce` calls pg_notify in the writer's transaction, so it is delivered on commit and
  never for a step rolled back. Each API process holds one LISTEN connection for all its subscribers.
- SQLite, which has no NOTIFY: `announce` writes rows to task_change (services/tasks/changes.py) in
  the writer's transaction. Each API process runs one watcher that reads the rows after the last it
  saw every WATCH_SECONDS, for all its subscribers together: one indexed query a tick, whoever listens.

Which subscriber may hear of which task is the inbox's own rule: each subscription keeps the condition
of its principal's inbox query (services/tasks/service.py `readable`), and one query per batch of
changes asks of each changed task which of those conditions it meets.

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

import psycopg
from sqlalchemy import ColumnElement, case, delete, func, text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.steps import StepSpec
from services.db import transaction
from services.identity.principal import Principal
from services.tasks import service as tasks
from services.tasks.changes import TaskChange
from services.tasks.models import ACTIVE_STATES, Task

log = logging.getLogger(__name__)

CHANNEL = "standardflow_tasks"
NOTIFY_CHUNK = 50  # changes per NOTIFY: ~100 bytes each, well under PostgreSQL's 8000-byte payload
KEEP_CHANGES = 10_000  # rows task_change keeps on SQLite: far more than a watcher reads in one tick
WATCH_SECONDS = 0.2  # how often the SQLite watcher reads task_change
READ_LIMIT = 1_000  # rows the watcher reads at most per tick; the rest come on the next
RETRY_SECONDS = 2.0  # before listening or watching again after the database went away
QUEUE_BATCHES = 200  # batches a subscriber may fall behind by before it is told to read its inbox again
SHARE_GROUP = 50  # subscribers whose shares of a batch one query finds


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

async def announce_step(session: AsyncSession, step: StepSpec) -> None:
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
    """The task changes committed, for the subscribers of one process, each given its own share."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._subscriptions: set[Subscription] = set()
        self._runner: asyncio.Task | None = None
        self._ready = asyncio.Event()

    @asynccontextmanager
    async def subscribe(self, principal: Principal) -> AsyncIterator["Subscription"]:
        """Once this is entered, every change committed afterwards to a task the principal could see
        in the inbox reaches the subscription."""
        async with transaction(self._sessions, read_only=True) as session:
            subscription = Subscription((await tasks.readable(session, principal)).whereclause)
        self._subscriptions.add(subscription)
        if self._runner is None:
            self._ready = asyncio.Event()
            self._runner = asyncio.create_task(self._run(self._ready), name="task feed")
        try:
            await self._ready.wait()
            yield subscription
        finally:
            self._subscriptions.discard(subscription)
            if not self._subscriptions and self._runner is not None:
                runner, self._runner = self._runner, None
                runner.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await runner

    async def _deliver(self, batch: Batch) -> None:
        """Each subscriber's share of the batch: one query for every SHARE_GROUP subscribers, asking of
        each changed task whether each subscriber's inbox query (`readable`) would list it."""
        subscriptions = list(self._subscriptions)
        if batch.resync:
            for subscription in subscriptions:
                subscription.put(batch)
            return
        ids = {event.task_id for event in batch.events}
        async with transaction(self._sessions, read_only=True) as session:
            for start in range(0, len(subscriptions), SHARE_GROUP):
                group = subscriptions[start:start + SHARE_GROUP]
                seen_by = [case((subscription.where, 1), else_=0) for subscription in group]
                rows = (await session.exec(select(Task.id, *seen_by).where(col(Task.id).in_(ids)))).all()
                for column, subscription in enumerate(group, start=1):
                    shown = {row[0] for row in rows if row[column]}
                    if share := [event for event in batch.events if event.task_id in shown]:
                        subscription.put(Batch(events=share))

    async def _listening(self, ready: asyncio.Event) -> None:
        if ready.is_set():  # listening again after a failure: whatever happened meanwhile is lost
            await self._deliver(Batch(resync=True))
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
            await self._listening(ready)
            async for notice in connection.notifies():
                await self._deliver(Batch(events=list(_decode(notice.payload))))

    async def _watch(self, ready: asyncio.Event) -> None:
        async with transaction(self._sessions, read_only=True) as session:
            seen = (await session.exec(select(func.max(TaskChange.seq)))).one() or 0
        await self._listening(ready)
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            async with transaction(self._sessions, read_only=True) as session:
                query = select(TaskChange).where(col(TaskChange.seq) > seen).order_by(col(TaskChange.seq))
                rows = (await session.exec(query.limit(READ_LIMIT))).all()
            if rows:
                missed = rows[0].seq > seen + 1 and seen > 0  # pruned before this process read them
                seen = rows[-1].seq
                if missed:
                    await self._deliver(Batch(resync=True))
                await self._deliver(Batch(events=[TaskEvent(r.task_id, r.kind, r.change) for r in rows]))


def _decode(payload: str) -> Iterable[TaskEvent]:
    for task_id, kind, change in json.loads(payload):
        yield TaskEvent(uuid.UUID(task_id), kind, change)


class Subscription:
    """One subscriber's share of the feed, filtered by its principal's inbox query."""

    def __init__(self, where: ColumnElement[bool]) -> None:
        self.where = where
        self._queue: asyncio.Queue[Batch] = asyncio.Queue(maxsize=QUEUE_BATCHES)

    def put(self, batch: Batch) -> None:
        if self._queue.full():  # a reader this far behind reads its inbox again instead
            while not self._queue.empty():
                self._queue.get_nowait()
            batch = Batch(resync=True)
        self._queue.put_nowait(batch)

    async def next(self, timeout: float) -> Batch | None:
        """The next changes the principal may see (None when `timeout` passes without any)."""
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None
