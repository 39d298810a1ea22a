"""The inbox's live feed, GET /api/v1/tasks/events, read as a client reads it: over a real server
(uvicorn on a loopback port; an in-process transport would wait for the stream's end). Tasks are
written as the worker writes them (services/projects/steps.py), from another connection than the
API's: on PostgreSQL the news comes by NOTIFY, on SQLite through the change log."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from api.app import Parts, create_app
from contracts.steps import StepSpec, TaskSpec
from services.db import transaction
from services.demo import DEMO_PASSWORD
from services.identity.permissions import Role
from services.identity.schemas import UserCreate
from services.identity.service import create_user, grant_role
from services.organisations.schemas import OrganisationCreate
from services.organisations.service import create_organisation
from services.projects import steps
from standardflow.config import Settings
from standardflow.runtime import GRACE_SECONDS, server_options
from tests.oidc.fixtures import free_port

pytestmark = pytest.mark.timeout(60)
EVENTS = "/api/v1/tasks/events"
WAIT = 10  # seconds a test waits for an event that should come


@dataclass
class Reader:
    username: str
    org_id: uuid.UUID


@dataclass
class Event:
    name: str
    id: str | None
    data: dict


async def _enterprise(sessions, prefix: str) -> Reader:
    """A new enterprise with a pilot lead of its own."""
    code = f"{prefix}{uuid.uuid4().hex[:6].upper()}"
    async with transaction(sessions) as session:
        org = await create_organisation(session, OrganisationCreate(
            code=code, name_zh="事件测试企业", name_en="Feed test enterprise", kind="enterprise"))
        user = await create_user(session, UserCreate(username=f"lead.{code.lower()}", display_name="试点负责人",
                                                     password=DEMO_PASSWORD))
        await grant_role(session, user.id, org.id, Role.pilot_lead)
    return Reader(f"lead.{code.lower()}", org.id)


async def _write_step(sessions, open_for: uuid.UUID | None = None, cancel: uuid.UUID | None = None) -> uuid.UUID | None:
    """One workflow step: opens a pilot plan offered to the organisation's pilot leads, or cancels a task."""
    task_id = uuid.uuid4() if open_for else None
    async with transaction(sessions) as session:
        await steps.apply_step(session, StepSpec(
            id=uuid.uuid4().hex, workflow_id="feed-test", project_id=None,
            open_tasks=[TaskSpec(id=task_id, kind="pilot_plan", project_id=None, candidate_org_id=open_for,
                                      candidate_role=Role.pilot_lead.value)] if open_for else [],
            cancel_task_ids=[cancel] if cancel else [],
        ))
    return task_id


async def _start(engine, temporal_client, tmp_path) -> tuple[uvicorn.Server, asyncio.Task, str]:
    """The app behind uvicorn on a loopback port, served as `standardflow api` serves it."""
    settings = Settings(var_dir=tmp_path, task_queue=f"sf-feed-{uuid.uuid4().hex[:8]}", temporal_address="in-test",
                        session_secret="test-secret", api_port=free_port())
    app = create_app(settings, Parts(engine=engine, temporal=temporal_client))
    server = uvicorn.Server(uvicorn.Config(app, **{**server_options(settings), "log_level": "warning", "lifespan": "on"}))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), "uvicorn stopped before it started"
        await asyncio.sleep(0.05)
    return server, serving, f"http://127.0.0.1:{settings.api_port}"


@asynccontextmanager
async def _served(engine, temporal_client, tmp_path) -> AsyncIterator[str]:
    server, serving, base_url = await _start(engine, temporal_client, tmp_path)
    try:
        yield base_url
    finally:
        server.should_exit = True
        await serving


async def _token(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await http.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _events(response: httpx.Response) -> AsyncIterator[Event]:
    """The stream's events, as EventSource parses them; comments are left out."""
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line == "":
            if "event" in fields or "data" in fields:
                yield Event(fields.get("event", "message"), fields.get("id"), json.loads(fields.get("data", "null")))
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")


async def _next(events: AsyncIterator[Event]) -> Event:
    return await asyncio.wait_for(anext(events), WAIT)


async def test_a_task_opened_for_the_reader_is_told_and_one_for_others_is_not(engine, sessions, temporal_client, tmp_path):
    reader, other = await _enterprise(sessions, "FEED"), await _enterprise(sessions, "ELSE")
    async with _served(engine, temporal_client, tmp_path) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        headers = await _token(http, reader.username)
        async with http.stream("GET", EVENTS, headers=headers, timeout=WAIT) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["cache-control"] == "no-store"
            events = _events(response)
            assert (await _next(events)).name == "ready"

            await _write_step(sessions, open_for=other.org_id)  # first, and never told to this reader
            mine = await _write_step(sessions, open_for=reader.org_id)
            opened = await _next(events)
            assert (opened.name, opened.data) == ("task", {"id": str(mine), "kind": "pilot_plan", "change": "opened"})

            await _write_step(sessions, cancel=mine)
            closed = await _next(events)
            assert (closed.name, closed.data) == ("task", {"id": str(mine), "kind": "pilot_plan", "change": "closed"})
            assert int(closed.id) > int(opened.id)

            claimed = await http.post(f"/api/v1/tasks/{await _write_step(sessions, open_for=reader.org_id)}/claim",
                                      headers=headers)
            assert claimed.status_code == 200, claimed.text
            assert [(await _next(events)).data["change"] for _ in range(2)] == ["opened", "claimed"]


async def test_a_reader_who_reconnects_is_told_to_read_the_inbox_again_and_a_stream_ends_when_asked(
    engine, sessions, temporal_client, tmp_path,
):
    reader = await _enterprise(sessions, "BACK")
    async with _served(engine, temporal_client, tmp_path) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        headers = {**await _token(http, reader.username), "Last-Event-ID": "7"}
        async with http.stream("GET", EVENTS, params={"seconds": 1}, headers=headers, timeout=WAIT) as response:
            assert [event.name async for event in _events(response)] == ["ready", "resync"]


async def test_an_api_that_stops_cuts_the_streams_still_open_after_its_grace_period(
    engine, sessions, temporal_client, tmp_path,
):
    reader = await _enterprise(sessions, "STOP")
    server, serving, base_url = await _start(engine, temporal_client, tmp_path)
    async with httpx.AsyncClient(base_url=base_url) as http:
        headers = await _token(http, reader.username)
        async with http.stream("GET", EVENTS, headers=headers, timeout=WAIT) as response:
            assert (await _next(_events(response))).name == "ready"
            server.should_exit = True
            await asyncio.wait_for(serving, GRACE_SECONDS + 5)


async def test_the_feed_is_refused_without_a_token_or_with_a_bad_one(stack):
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = await stack.http.get(EVENTS, headers=headers)
        assert response.status_code == 401, response.text
        assert response.headers["content-type"] == "application/json"
    signed_in = await stack.login("li.wei")
    for seconds in ("0", "301", "soon"):
        response = await stack.http.get(EVENTS, params={"seconds": seconds}, headers=signed_in)
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "seconds"]


async def test_the_feed_is_documented_as_a_stream(stack):
    operation = (await stack.http.get("/openapi.json")).json()["paths"][EVENTS]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["text/event-stream"]
    assert "401" in operation["responses"]
