"""SQLite's statements run on the event loop, while waiting for the write lock and committing do not:
the loop keeps answering while another process holds the lock, and writers racing for it all commit,
more of them than a thread pool of the machine's size holds."""

import asyncio
import sqlite3
import threading
import time

import pytest
from sqlalchemy import text

from services.db import create_engine, session_factory, transaction
from services.sqlite_inline import Connection

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
async def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'inline.db'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"))
        await connection.execute(text("INSERT INTO counter (id, n) VALUES (1, 0)"))
    yield engine
    await engine.dispose()


async def test_the_engine_speaks_sqlite3_on_the_loop(engine):
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, Connection)
        assert (await connection.execute(text("SELECT n FROM counter"))).scalar_one() == 0


async def test_the_loop_answers_while_another_process_holds_the_write_lock(engine, tmp_path):
    held, release = threading.Event(), threading.Event()

    def other_process() -> None:  # another connection, as the API's or the worker's process would hold
        other = sqlite3.connect(tmp_path / "inline.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE counter SET n = n + 100")
        held.set()
        release.wait(10)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=other_process)
    holder.start()
    await asyncio.to_thread(held.wait, 10)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def write() -> int:
        async with transaction(session_factory(engine)) as session:
            await session.exec(text("UPDATE counter SET n = n + 1"))
        async with transaction(session_factory(engine), read_only=True) as session:
            return (await session.exec(text("SELECT n FROM counter"))).scalar_one()

    ticking = asyncio.ensure_future(ticker())
    writing = asyncio.ensure_future(write())
    started = time.monotonic()
    await asyncio.sleep(1.0)
    assert not writing.done()  # the write waits for the lock ...
    assert ticks >= 50  # ... and the loop goes on meanwhile
    release.set()
    assert await writing == 101
    assert time.monotonic() - started < 5
    ticking.cancel()
    await asyncio.to_thread(holder.join)


async def test_forty_writers_racing_for_the_lock_all_commit(engine):
    sessions = session_factory(engine)

    async def add_one() -> None:
        async with transaction(sessions) as session:
            n = (await session.exec(text("SELECT n FROM counter"))).scalar_one()
            await asyncio.sleep(0)  # let the others queue for the lock while this one holds it
            await session.exec(text("UPDATE counter SET n = :n").bindparams(n=n + 1))

    await asyncio.gather(*(add_one() for _ in range(40)))
    async with transaction(sessions, read_only=True) as session:
        assert (await session.exec(text("SELECT n FROM counter"))).scalar_one() == 40
