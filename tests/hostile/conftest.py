"""The app for fuzzing: built by `create_app` from settings, on a SQLite database of its own (fuzzed
rows stay out of the other tests' databases; SQLite is enough to find server errors and schema
mismatches, and tests/hostile/test_limits.py checks the stored text on PostgreSQL too), with its
worker on the Temporal dev server.

Schemathesis calls an ASGI app from one event-loop thread of its own, so the app opens its engine and
Temporal connection there, in its lifespan, and runs the worker in that lifespan too."""

import uuid
from collections.abc import Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from schemathesis.python import asgi
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from services.db import create_engine, session_factory, transaction
from services.demo import DEMO_PASSWORD, seed_demo
from standardflow import database
from standardflow.config import Settings
from tests.helpers import PROPOSAL
from tests.payload_keys import PAYLOAD_KEYS
from workflows.worker import build_worker

# Who fuzzes: a proposer, a committee's secretary, a committee member and the platform admin.
FUZZING_USERS = ("li.wei", "wang.fang", "chen.jie", "admin")


@dataclass
class KnownIds:
    """Ids of rows that exist, so that generated requests reach past the 404 of an unknown id."""

    values: list[str] = field(default_factory=list)


KNOWN = KnownIds()


def with_worker(app: FastAPI) -> FastAPI:
    """The app's own lifespan, with the worker running inside it on the app's engine and client."""
    own = app.router.lifespan_context
    settings: Settings = app.state.settings

    @asynccontextmanager
    async def lifespan(running: FastAPI):
        async with own(running):
            async with build_worker(running.state.temporal, settings.task_queue, running.state.sessions,
                                    decision_keys=settings.key_ring("decision")):
                yield

    app.router.lifespan_context = lifespan
    return app


# One app for the fuzzing, made when Schemathesis reads its schema; `fuzz_app` completes its settings
# (database, Temporal server, files) before its lifespan starts with the first request.
FUZZ_SETTINGS = Settings(var_dir=Path("var"), task_queue=f"sf-fuzz-{uuid.uuid4().hex[:8]}",
                         public_base_url=f"http://{asgi.HOST}", session_secret="test-secret",
                         payload_keys=PAYLOAD_KEYS)
FUZZ_APP = with_worker(create_app(FUZZ_SETTINGS))


@pytest.fixture(scope="module")
async def fuzz_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'standardflow.db'}"
    database.upgrade(url)
    engine = create_engine(url)
    async with transaction(session_factory(engine)) as session:
        await seed_demo(session)
    await engine.dispose()
    return url


@pytest.fixture(scope="module")
def fuzz_app(fuzz_database: str, temporal_env: WorkflowEnvironment, tmp_path_factory) -> Iterator[FastAPI]:
    FUZZ_SETTINGS.database_url = fuzz_database
    FUZZ_SETTINGS.temporal_address = temporal_env.client.service_client.config.target_host
    FUZZ_SETTINGS.var_dir = tmp_path_factory.mktemp("fuzz-var")
    yield FUZZ_APP
    asgi.shutdown_lifespans()


@pytest.fixture(scope="module")
def fuzz_client(fuzz_app: FastAPI) -> Iterator[asgi.ASGIClient]:
    with asgi.get_client(fuzz_app) as client:
        yield client


@pytest.fixture(scope="module")
def tokens(fuzz_client: asgi.ASGIClient) -> dict[str, str]:
    """A bearer token for each fuzzing user."""
    found = {}
    for username in FUZZING_USERS:
        response = fuzz_client.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.text
        found[username] = response.json()["access_token"]
    return found


@pytest.fixture(scope="module")
def known_ids(fuzz_client: asgi.ASGIClient, tokens: dict[str, str]) -> KnownIds:
    """A submitted proposal with its screening task, a draft proposal, every organisation and committee,
    and the proposer's own user id; generated ids are drawn from these half the time."""
    proposer = {"Authorization": f"Bearer {tokens['li.wei']}"}
    secretary = {"Authorization": f"Bearer {tokens['wang.fang']}"}
    committees = fuzz_client.get("/api/v1/committees", headers=proposer).json()
    organisations = fuzz_client.get("/api/v1/organisations", headers=proposer).json()
    body = {**PROPOSAL, "committee_id": committees[0]["id"]}
    submitted = fuzz_client.post("/api/v1/projects", json=body, headers=proposer).json()["id"]
    assert fuzz_client.post(f"/api/v1/projects/{submitted}/submit", headers=proposer).status_code == 200
    draft = fuzz_client.post("/api/v1/projects", json=body, headers=proposer).json()["id"]
    tasks = fuzz_client.get("/api/v1/tasks", params={"project_id": submitted}, headers=secretary).json()["items"]
    me = fuzz_client.get("/api/v1/me", headers=proposer).json()
    KNOWN.values[:] = [
        submitted, draft, *(t["id"] for t in tasks), *(c["id"] for c in committees),
        *(o["id"] for o in organisations), me["id"],
    ]
    return KNOWN
