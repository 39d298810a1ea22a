"""Real parts for every test: a Temporal dev server, SQLite and PostgreSQL built by the migrations,
the demo data set made through the services, and the app driven over HTTP."""

import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.app import Parts, create_app
from services.db import create_engine, session_factory, transaction
from services.demo import DEMO_PASSWORD, seed_demo
from standardflow import database
from standardflow.config import Settings
from standardflow.runtime import STAGE_SEARCH_ATTRIBUTE
from tests.payload_keys import CONVERTER, PAYLOAD_KEYS
from workflows.worker import build_worker

BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("STANDARDFLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        data_converter=CONVERTER,
        dev_server_extra_args=["--search-attribute", f"{STAGE_SEARCH_ATTRIBUTE}=Keyword", "--log-level", "error"],
    )
    yield env
    await env.shutdown()


@pytest.fixture
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """Temporal's test server, one per test: timers of days and years pass as fast as the workflow
    lets them, and no workflow left waiting by one test can hold back the clock of another."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"),
        data_converter=CONVERTER,
    )
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            search_attributes={STAGE_SEARCH_ATTRIBUTE: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD},
            namespace=env.client.namespace,
        )
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
def temporal_client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


def _create_pg_database() -> str:
    name = f"sf_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def _drop_pg_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """An empty database of each kind, built by the migrations."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'standardflow.db'}"
        database.upgrade(url)
        yield url
        return
    name = _create_pg_database()
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    database.upgrade(url)
    yield url
    _drop_pg_database(name)


@pytest.fixture(scope="session")
async def engine(database_url: str):
    engine = create_engine(database_url)
    async with transaction(session_factory(engine)) as session:
        await seed_demo(session)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def sessions(engine):
    return session_factory(engine)


@dataclass
class Stack:
    """The app, its worker, and an HTTP client, all on one database and one task queue."""

    http: httpx.AsyncClient
    settings: Settings
    worker: Worker | None
    server_errors: list[str]

    async def login(self, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
        response = await self.http.post("/api/v1/auth/token", data={"username": username, "password": password})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


@asynccontextmanager
async def running_worker(client: Client, settings: Settings, sessions) -> AsyncIterator[Worker]:
    """A worker on the settings' task queue that takes the decisions their API seals."""
    worker = build_worker(client, settings.task_queue, sessions, decision_keys=settings.key_ring("decision"))
    async with worker:
        yield worker


@asynccontextmanager
async def app_stack(engine, temporal_client: Client, tmp_path: Path, task_queue: str, *,
                    worker: bool = True, tracer_provider=None) -> AsyncIterator[Stack]:  # noqa: ANN001
    """The app and (unless `worker` is false, for a test that runs its own) a worker; `tracer_provider`
    traces the app's requests."""
    settings = Settings(
        var_dir=tmp_path, task_queue=task_queue, temporal_address="in-test",
        public_base_url="http://testserver", session_secret="test-secret", payload_keys=PAYLOAD_KEYS,
    )
    app = create_app(settings, Parts(engine=engine, temporal=temporal_client, tracer_provider=tracer_provider))
    working = running_worker(temporal_client, settings, session_factory(engine)) if worker else nullcontext()
    async with working as worker:
        async with app.router.lifespan_context(app):
            server_errors: list[str] = []

            async def record(response: httpx.Response) -> None:
                if response.status_code >= 500:
                    server_errors.append(f"{response.request.method} {response.request.url} -> {response.status_code}")

            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://testserver", event_hooks={"response": [record]}
            ) as http:
                yield Stack(http=http, settings=settings, worker=worker, server_errors=server_errors)


@pytest.fixture
async def stack(engine, temporal_client: Client, tmp_path: Path) -> AsyncIterator[Stack]:
    async with app_stack(engine, temporal_client, tmp_path, f"sf-{uuid.uuid4().hex[:8]}") as running:
        yield running


@pytest.fixture
async def skipping_stack(engine, time_skipping_env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Stack]:
    """The app and a worker on the time-skipping test server; `time_skipping_env.sleep(...)` moves time."""
    async with app_stack(engine, time_skipping_env.client, tmp_path, f"sf-ts-{uuid.uuid4().hex[:8]}") as running:
        yield running


@pytest.fixture(autouse=True)
def _no_server_errors(request: pytest.FixtureRequest):
    """Fails any test during which the app answered 500 or more."""
    yield
    stack = request.node.funcargs.get("stack")
    if stack is not None:
        assert stack.server_errors == [], f"the app answered with server errors: {stack.server_errors}"
