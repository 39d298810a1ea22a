"""Parts that can be killed: Temporal's dev server, the worker and the API as separate processes,
an HTTP client that rides out their restarts, and PostgreSQL databases a test may make unreachable."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest

from services.db import create_engine, session_factory, transaction
from services.demo import seed_demo
from standardflow import database
from standardflow.runtime import STAGE_SEARCH_ATTRIBUTE, temporal_binary, wait_for_port
from tests.conftest import PG_ADMIN_URL, app_stack
from tests.payload_keys import PAYLOAD_KEYS

# As tests/api/test_full_pipeline.py's short calendar (a policy day is a second), with deadlines far
# beyond the test's length, so nobody misses one while a process is down. A consultation whose close
# passed while a kill held up its opening activity closes at once.
POLICY_OVERRIDES = {"*": {
    "consultation_days": 3, "pilot_months": 1, "report_interval_days": 600, "review_interval_years": 0,
    "screening_days": 3600, "drafting_days": 3600, "disposition_days": 3600, "approval_days": 3600,
    "evaluation_days": 3600, "ballot": {"open_days": 3600}, "panel": {"opinion_days": 3600},
}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- PostgreSQL databases of a test's own --------------------------------------------------------

def _admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def pg_database() -> Iterator[str]:
    """An empty PostgreSQL database that only this test uses (so it may block it); its URL."""
    name = f"sf_fault_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def block_database(url: str) -> None:
    """The database goes away: no new connection is allowed and every open one is cut."""
    name = url.rsplit("/", 1)[1]
    _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")


def unblock_database(url: str) -> None:
    _admin(f'ALTER DATABASE "{url.rsplit("/", 1)[1]}" ALLOW_CONNECTIONS true')


# --- StandardFlow as separate processes ----------------------------------------------------------

@dataclass
class Processes:
    """Temporal's dev server (state in a file), the worker and the API, each its own process, each
    started again on the same ports and files after it is killed."""

    var_dir: Path
    database_url: str
    temporal_port: int = field(default_factory=free_port)
    api_port: int = field(default_factory=free_port)
    running: dict[str, subprocess.Popen] = field(default_factory=dict)
    kills: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def temporal_address(self) -> str:
        return f"127.0.0.1:{self.temporal_port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ, "PYTHONUNBUFFERED": "1",
            "STANDARDFLOW_VAR_DIR": str(self.var_dir),
            "STANDARDFLOW_DATABASE_URL": self.database_url,
            "STANDARDFLOW_TEMPORAL_ADDRESS": self.temporal_address,
            "STANDARDFLOW_API_PORT": str(self.api_port),
            "STANDARDFLOW_PUBLIC_BASE_URL": self.base_url,
            "STANDARDFLOW_POLICY_DAY_SECONDS": "1",
            "STANDARDFLOW_POLICY_OVERRIDES": json.dumps(POLICY_OVERRIDES),
            "STANDARDFLOW_PAYLOAD_KEYS": PAYLOAD_KEYS,
        }

    def command(self, *args: str) -> subprocess.CompletedProcess:
        """A `standardflow` command run to its end, e.g. seed-demo or audit verify."""
        return subprocess.run([sys.executable, "-m", "standardflow", *args], env=self.env(), cwd=self.var_dir,
                              capture_output=True, text=True, timeout=120)

    def start(self, part: str) -> None:
        log = open(self.var_dir / f"{part}.log", "ab")  # noqa: SIM115 - the process keeps it
        if part == "temporal":
            argv = [temporal_binary(), "server", "start-dev", "--db-filename", str(self.var_dir / "temporal.db"),
                    "--ip", "127.0.0.1", "--port", str(self.temporal_port), "--headless",
                    "--search-attribute", f"{STAGE_SEARCH_ATTRIBUTE}=Keyword", "--log-level", "warn"]
        else:
            argv = [sys.executable, "-m", "standardflow", part]
        self.running[part] = subprocess.Popen(argv, env=self.env(), cwd=self.var_dir, stdout=log,
                                              stderr=subprocess.STDOUT, start_new_session=True)
        if part == "temporal":
            wait_for_port("127.0.0.1", self.temporal_port, timeout=60, process=self.running[part])
        if part == "api":
            wait_for_port("127.0.0.1", self.api_port, timeout=60, process=self.running[part])

    def kill(self, part: str) -> None:
        """SIGKILL: no shutdown handler runs, whatever the process was doing is cut off."""
        process = self.running.pop(part)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        self.kills.append(part)

    def stop_all(self) -> None:
        for part in ("api", "worker", "temporal"):
            process = self.running.pop(part, None)
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)

    def log(self, part: str) -> str:
        path = self.var_dir / f"{part}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


@pytest.fixture(params=["sqlite", "postgresql"])
def processes(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Processes]:
    """Temporal, the worker and the API running as processes on a seeded database of each kind."""
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    if request.param == "sqlite":
        url = f"sqlite:///{var_dir / 'standardflow.db'}"
    else:
        url = request.getfixturevalue("pg_database")
    running = Processes(var_dir=var_dir, database_url=url)
    try:
        running.start("temporal")
        seeded = running.command("seed-demo")
        assert seeded.returncode == 0, seeded.stderr
        running.start("worker")
        running.start("api")
        yield running
    finally:
        running.stop_all()


# --- an HTTP client that outlasts a restart ------------------------------------------------------

class RetryingTransport(httpx.AsyncBaseTransport):
    """Sends a request again when the API process is gone (no connection, or the connection cut
    mid-request) or answers 503 (Temporal away): what a browser's user does by pressing the button
    again. Other server errors are kept, for the test to fail on."""

    def __init__(self, patience: float = 180) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._patience = patience
        self.retries = 0
        self.server_errors: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self._patience
        while True:
            try:
                response = await self._inner.handle_async_request(request)
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
                if loop.time() > give_up:
                    raise
            else:
                if response.status_code != 503 or loop.time() > give_up:
                    if response.status_code >= 500:
                        self.server_errors.append(f"{request.method} {request.url} -> {response.status_code}")
                    return response
                await response.aclose()
            self.retries += 1
            await asyncio.sleep(0.5)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
def retrying() -> RetryingTransport:
    return RetryingTransport()


@pytest.fixture
async def http(processes: Processes, retrying: RetryingTransport) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the API process; each request waits up to three minutes for its answer."""
    async with httpx.AsyncClient(transport=retrying, base_url=processes.base_url, timeout=180) as client:
        yield client


# --- the app and a worker in this process, on a database the test may block ----------------------

@pytest.fixture
async def blockable_stack(pg_database: str, temporal_client, tmp_path: Path) -> AsyncIterator:
    """tests/conftest.py's stack on a PostgreSQL database of this test's own, under the short calendar."""
    database.upgrade(pg_database)
    engine = create_engine(pg_database)
    async with transaction(session_factory(engine)) as session:
        await seed_demo(session)
    try:
        async with app_stack(engine, temporal_client, tmp_path, f"sf-fault-{uuid.uuid4().hex[:8]}") as running:
            running.settings.policy_day_seconds = 1
            running.settings.policy_overrides = {"*": {**POLICY_OVERRIDES["*"], "consultation_days": 3}}
            yield running
            assert running.server_errors == [], running.server_errors
    finally:
        await engine.dispose()
