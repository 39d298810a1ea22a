"""SQLite for SQLAlchemy's asyncio engine, with its statements run on the event loop's own thread.

aiosqlite runs every call (a cursor, a statement, a fetch, a close) on a thread of its own and hands
the answer back through the event loop: about 0.2 ms of CPU for each call, where the statement itself
costs sqlite3 about 10 µs, and three or four calls for each statement SQLAlchemy executes. Here the
connection speaks aiosqlite's interface (which SQLAlchemy's `sqlite+aiosqlite` dialect drives) but
runs on sqlite3 directly: a statement is executed at once, on the loop.

Two kinds of call can wait, and those still go to a thread, so the loop never waits: taking the
write lock (`BEGIN IMMEDIATE`, which another connection or process may hold for a while; sqlite3
waits up to the connection's timeout) and `COMMIT` (which syncs the file to disk). A transaction
that may write always starts with `BEGIN IMMEDIATE` (services/db.py), so its statements run while it
holds the lock and find nothing to wait for; a read-only transaction reads a snapshot of the WAL,
which no writer blocks. The connection is shared by the loop's thread and the executor's one call
at a time (SQLAlchemy holds a connection for one session, and its adapter serialises its calls), so
it is opened with `check_same_thread=False`."""

import asyncio
import sqlite3
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

# Statements that may wait for the write lock or for the disk, by their first word.
_WAITING = ("BEGIN", "COMMIT", "END", "VACUUM")

# Waiting for the lock and writing to disk have threads of their own: were they to share a pool, the
# connections queued for the lock could take every thread, and the one holding it could not commit.
_LOCKING = ThreadPoolExecutor(max_workers=32, thread_name_prefix="sqlite-lock")
_SYNCING = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sqlite-commit")


def _threads_for(sql: str) -> ThreadPoolExecutor | None:
    """The threads a statement that may wait runs on (committing, or taking the lock); None: the loop."""
    head = sql.lstrip()[:16].upper()
    if head.startswith(("COMMIT", "END")):
        return _SYNCING
    return _LOCKING if head.startswith(_WAITING) or head.startswith("PRAGMA JOURNAL") else None


async def _off_loop(function: Callable[[], Any], threads: ThreadPoolExecutor) -> Any:
    return await asyncio.get_running_loop().run_in_executor(threads, function)


class Cursor:
    """aiosqlite's cursor interface over a sqlite3 cursor."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> "Cursor":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> "Cursor":
        call = partial(self._cursor.execute, sql, () if parameters is None else parameters)
        threads = _threads_for(sql)
        if threads is not None:
            await _off_loop(call, threads)
        else:
            call()
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> "Cursor":
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _Inline:
    """What SQLAlchemy's adapter puts on aiosqlite's queue (to set the isolation level) runs at once."""

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:  # noqa: BLE001 - handed to whoever awaits the future
            if future is not None:
                future.set_exception(exc)
            return
        if future is not None:
            future.set_result(result)


class Connection:
    """aiosqlite's connection interface over a sqlite3 connection (see the module's docstring)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection = connection  # SQLAlchemy's adapter checks it is there before commit and rollback
        self._tx = _Inline()

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = value

    def cursor(self) -> Cursor:
        return Cursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> Cursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        await _off_loop(self._conn.commit, _SYNCING)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Closes at once (SQLAlchemy's terminate)."""
        if self._connection is not None:
            self._conn.close()
            self._connection = None


def connector(database: str, **options: Any) -> Callable[[], Any]:
    """The `async_creator` for create_async_engine: each call opens a connection to `database`
    (sqlite3.connect's options, e.g. timeout and isolation_level), off the loop."""

    async def connect() -> Connection:
        opened = await _off_loop(partial(sqlite3.connect, database, check_same_thread=False, **options), _SYNCING)
        return Connection(opened)

    return connect
