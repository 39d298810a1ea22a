"""Engines and sessions. The caller that opens a session owns its transaction; services flush."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from services import sqlite_inline


def utcnow() -> datetime:
    return datetime.now(UTC)


def sync_url(url: str) -> str:
    """The URL for synchronous tools (Alembic): the same database through a blocking driver."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite").render_as_string(hide_password=False)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def async_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """An async engine. On SQLite a transaction that may write starts IMMEDIATE, so writers queue
    instead of failing; one opened `read_only` starts DEFERRED and refuses writes (see `transaction`)."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:" and not make_url(url).query:
            # Statements on the loop, the lock and the commit off it (services/sqlite_inline.py).
            engine = create_async_engine(async_url(url), async_creator=sqlite_inline.connector(
                database, timeout=30, isolation_level=None))
        else:
            engine = create_async_engine(async_url(url), connect_args={"timeout": 30, "isolation_level": None})
        _serialise_sqlite_writers(engine)
        return engine
    return create_async_engine(async_url(url), pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


READ_ONLY = "standardflow_read_only"  # the execution option `transaction(..., read_only=True)` sets


def _serialise_sqlite_writers(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, record):  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        record.info["query_only"] = False

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        read_only = bool(connection.get_execution_options().get(READ_ONLY))
        record = connection.connection.info
        if record.get("query_only") != read_only:
            connection.exec_driver_sql(f"PRAGMA query_only={'ON' if read_only else 'OFF'}")
            record["query_only"] = read_only
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


async def answers(engine: AsyncEngine) -> bool:
    """Whether the database answers a query (a readiness check)."""
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means it does not answer
        return False


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@dataclass
class _HandedOn:
    factory: async_sessionmaker[AsyncSession]
    session: AsyncSession


# A read-only transaction left open for what the same request does next (`hand_on`).
_handed_on: ContextVar[_HandedOn | None] = ContextVar("handed_on_transaction", default=None)


@asynccontextmanager
async def transaction(
    factory: async_sessionmaker[AsyncSession], *, read_only: bool = False
) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit when the block ends, roll back when it raises.

    `read_only` for a block that only reads: on SQLite it neither takes nor waits for the write lock,
    which BEGIN IMMEDIATE holds across processes until the writer commits (WAL lets it read a
    consistent snapshot beside the writer), and a write in it fails at once instead of racing.

    A transaction handed on in this context (`hand_on`) is continued by a block that only reads, and
    ended with it; a block that may write ends it first, once anything was read in it (until then it
    stays handed on, and reads after this block's writes)."""
    handed = _handed_on.get()
    if handed is not None and read_only and handed.factory is factory:
        _handed_on.set(None)
        async with _ending(handed.session) as session:
            yield session
        return
    if handed is not None and handed.session.in_transaction():
        await end_handed_on()
    async with _ending(_open(factory, read_only)) as session:
        yield session


async def hand_on(factory: async_sessionmaker[AsyncSession]) -> AsyncSession:
    """A read-only transaction whose end is left to what follows in this context: the next
    `transaction` continues it (reading) or ends it (writing), else `end_handed_on`. A request that
    waits on Temporal thus reads who is asking and checks what it is asked in one transaction, and
    holds none while it waits."""
    await end_handed_on()
    session = _open(factory, read_only=True)
    _handed_on.set(_HandedOn(factory, session))
    return session


async def end_handed_on(error: BaseException | None = None) -> None:
    """Ends the transaction handed on in this context, if nothing took it."""
    handed = _handed_on.get()
    if handed is not None:
        _handed_on.set(None)
        await _finish(handed.session, error)


def reads_only(session: AsyncSession) -> bool:
    """Whether the session was opened for a transaction that only reads."""
    return bool(session.bind.get_execution_options().get(READ_ONLY))


def _open(factory: async_sessionmaker[AsyncSession], read_only: bool) -> AsyncSession:
    return factory(bind=factory.kw["bind"].execution_options(**{READ_ONLY: True})) if read_only else factory()


@asynccontextmanager
async def _ending(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    try:
        yield session
    except BaseException as exc:
        await _finish(session, exc)
        raise
    await _finish(session, None)


async def _finish(session: AsyncSession, error: BaseException | None) -> None:
    """Commits (or, after an error, rolls back) and gives the connection back."""
    try:
        if error is None:
            await session.commit()
        else:
            await session.rollback()
    except BaseException:
        if error is None:
            await session.rollback()
        raise
    finally:
        await session.close()
