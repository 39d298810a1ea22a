"""Inbox at scale: 10,000 projects and 100,000 tasks, then the p50/p95 of listing an inbox.

    python bench/inbox.py --backend both

Fills a fresh database (SQLite file and/or a new PostgreSQL database) built by the migrations,
then lists inboxes through the HTTP API in-process (authentication, the principal, the query,
the response model): a user's own tasks, an organisation role's unassigned tasks, with filters,
and three pages deep by cursor; the inbox's counts per scope and kind; the projects a pilot lead
reads as the holder of their tasks. Then the inbox's feed (services/tasks/feed.py) with
--subscribers subscriptions of the demo users: how long a task a step opens takes from the step's
commit to its person's subscription (on SQLite up to a watcher tick of 0.2 s; on PostgreSQL NOTIFY).
Prints one JSON line per backend and scenario.
"""

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
import sqlalchemy as sa
from temporalio.testing import WorkflowEnvironment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.app import Parts, create_app  # noqa: E402
from contracts.steps import StepSpec, TaskSpec  # noqa: E402
from services.crypto.codec import data_converter  # noqa: E402
from services.crypto.keyring import KeyRing  # noqa: E402
from services.db import create_engine, session_factory, sync_url, transaction  # noqa: E402
from services.demo import DEMO_PASSWORD, seed_demo  # noqa: E402
from services.identity.service import load_principal  # noqa: E402
from services.projects import steps  # noqa: E402
from services.tables import Committee, Membership, Organisation, StandardProject, Task, User  # noqa: E402
from services.tasks.feed import TaskFeed  # noqa: E402
from services.tasks.registry import FORMS  # noqa: E402
from standardflow import database  # noqa: E402
from standardflow.config import Settings  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
KINDS = sorted(FORMS)
# The app and the Temporal client encrypt payloads with one ring, as a deployment's do.
PAYLOAD_RING = KeyRing.generate()
STATES = ["open"] * 5 + ["claimed"] * 2 + ["completed"] * 12 + ["cancelled", "expired"]


def fill(url: str, projects: int, tasks: int, seed: int = 7) -> None:
    """Bulk rows straight through SQLAlchemy core: the point is the size, not the path in."""
    rng = random.Random(seed)
    engine = sa.create_engine(sync_url(url))
    now = datetime.now(UTC)
    with engine.begin() as conn:
        users = [row.id for row in conn.execute(sa.select(User.id))]
        slots = [(row.org_id, row.role) for row in conn.execute(sa.select(Membership.org_id, Membership.role))]
        orgs = [row.id for row in conn.execute(sa.select(Organisation.id))]
        committee = conn.execute(sa.select(Committee.id)).scalar_one()
        project_rows = [_project(rng, users, orgs, committee, now) for _ in range(projects)]
        for start in range(0, len(project_rows), 2000):
            conn.execute(sa.insert(StandardProject.__table__), project_rows[start:start + 2000])
        ids = [p["id"] for p in project_rows]
        for start in range(0, tasks, 5000):
            batch = [_task(rng, ids, users, slots, committee, now) for _ in range(min(5000, tasks - start))]
            conn.execute(sa.insert(Task.__table__), batch)
    engine.dispose()


def _project(rng: random.Random, users: list, orgs: list, committee: uuid.UUID, now: datetime) -> dict:
    return {
        "id": uuid.uuid4(), "title_zh": "基准项目", "title_en": "Benchmark project", "scope": "s", "rationale": "r",
        "standard_type": rng.choice(["group", "local", "enterprise"]), "domain": "life.mobility",
        "relation_to_existing": "", "known_patents": "", "stage": "committee_review", "step": "screening",
        "status": "active", "lead_org_id": rng.choice(orgs), "proposer_id": rng.choice(users),
        "committee_id": committee, "return_count": 0, "created_at": now, "updated_at": now,
        "shanghai_standard": False,
    }


def _task(rng: random.Random, projects: list, users: list, slots: list, committee, now: datetime) -> dict:
    state = rng.choice(STATES)
    org_id, role = rng.choice(slots)
    assignee = rng.choice(users) if state != "open" or rng.random() < 0.3 else None
    return {
        "id": uuid.uuid4(), "kind": rng.choice(KINDS), "project_id": rng.choice(projects),
        "workflow_id": "bench", "committee_id": committee if rng.random() < 0.2 else None,
        "assignee_id": assignee, "candidate_org_id": org_id, "candidate_role": role, "state": state,
        "completed_by_id": assignee if state == "completed" else None,
        "priority": rng.randint(0, 3), "due_at": now + timedelta(days=rng.randint(-30, 60)),
        "context": {}, "created_at": now - timedelta(minutes=rng.randint(0, 500_000)),
    }


TASKS, SUMMARY, PROJECTS = "/api/v1/tasks", "/api/v1/tasks/summary", "/api/v1/projects"
SCENARIOS = {
    "user: assigned to me": ("li.wei", TASKS, {"assigned": "me"}),
    "org role: unassigned for my slots": ("wang.fang", TASKS, {"assigned": "candidate"}),
    "org role: kind filter, by priority": ("wang.fang", TASKS, {"assigned": "candidate", "kind": "screen_proposal",
                                                                "sort": "priority"}),
    "any: overdue": ("wang.fang", TASKS, {"overdue": "true"}),
    "any: due before, oldest first": ("chen.jie", TASKS, {"due_before": "2100-01-01T00:00:00Z", "sort": "age"}),
    "counts per scope and kind": ("wang.fang", SUMMARY, {}),
    "counts, assigned to me": ("li.wei", SUMMARY, {"assigned": "me"}),
    # projects a pilot lead reads only as the holder of their tasks
    "projects read as a task holder": ("lin.tao", PROJECTS, {}),
}


async def measure(url: str, samples: int, temporal, subscribers: int) -> list[dict]:
    settings = Settings(var_dir=Path(tempfile.mkdtemp()), temporal_address="bench", session_secret="bench",
                        payload_keys=PAYLOAD_RING.format())
    engine = create_engine(url)
    app = create_app(settings, Parts(engine=engine, temporal=temporal))
    results = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            for name, (username, path, params) in SCENARIOS.items():
                token = (await http.post("/api/v1/auth/token",
                                         data={"username": username, "password": DEMO_PASSWORD})).json()
                headers = {"Authorization": f"Bearer {token['access_token']}"}
                results.append(await _scenario(http, headers, name, path, params, samples))
    results.append(await _feed(engine, subscribers, samples // 4))
    await engine.dispose()
    return results


async def _feed(engine, subscribers: int, samples: int) -> dict:
    """From a step's commit to the subscription of the person it opens a task for, with `subscribers`
    subscriptions of the demo users (one process's feed, shared out by one query per 50)."""
    sessions = session_factory(engine)
    async with transaction(sessions, read_only=True) as session:
        users = list((await session.exec(sa.select(User.id).order_by(User.username))).scalars())
        principals = [await load_principal(session, user_id) for user_id in users]
    feed, timings = TaskFeed(sessions), []
    async with AsyncExitStack() as stack:
        subscriptions = [await stack.enter_async_context(feed.subscribe(principals[i % len(principals)]))
                         for i in range(subscribers)]
        for i in range(samples):
            person = i % min(len(principals), subscribers)
            task_id = uuid.uuid4()
            async with transaction(sessions) as session:
                await steps.apply_step(session, StepSpec(
                    id=uuid.uuid4().hex, workflow_id="bench-feed", project_id=None,
                    open_tasks=[TaskSpec(id=task_id, kind="coordination_answered", project_id=None,
                                              assignee_id=principals[person].user_id)]))
            committed = time.perf_counter()
            while True:
                batch = await subscriptions[person].next(10)
                assert batch is not None, "the feed did not tell of the task within 10 s"
                if any(event.task_id == task_id for event in batch.events):
                    break
            timings.append(time.perf_counter() - committed)
    timings.sort()
    return {"scenario": f"feed: commit to subscriber, {subscribers} subscriptions", "requests": len(timings),
            "rows_returned": 0, "p50_ms": round(statistics.median(timings) * 1000, 2),
            "p95_ms": round(timings[int(len(timings) * 0.95)] * 1000, 2)}


async def _scenario(http: httpx.AsyncClient, headers: dict, name: str, path: str, params: dict,
                    samples: int) -> dict:
    timings, rows = [], 0
    for i in range(samples):
        cursor = None
        for _page in range(3 if i % 4 == 0 and path == TASKS else 1):  # every fourth sample pages three deep
            query = {**params, **({"limit": 50} if path == TASKS else {}), **({"cursor": cursor} if cursor else {})}
            started = time.perf_counter()
            response = await http.get(path, params=query, headers=headers)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
            body = response.json()
            rows += _rows(body)
            cursor = body.get("next_cursor") if isinstance(body, dict) else None
            if not cursor:
                break
    timings.sort()
    return {"scenario": name, "requests": len(timings), "rows_returned": rows,
            "p50_ms": round(statistics.median(timings) * 1000, 2),
            "p95_ms": round(timings[int(len(timings) * 0.95)] * 1000, 2)}


def _rows(body: dict | list) -> int:
    if isinstance(body, list):
        return len(body)  # projects
    return len(body["items"]) if "items" in body else len(body["kinds"])


async def prepare(url: str, projects: int, tasks: int) -> float:
    database.upgrade(url)
    engine = create_engine(url)
    async with transaction(session_factory(engine)) as session:
        await seed_demo(session)
    await engine.dispose()
    started = time.perf_counter()
    fill(url, projects, tasks)
    return time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--subscribers", type=int, default=200, help="subscriptions to the inbox's feed")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    binary = Path(sys.executable).parent / "temporal"
    async with await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(binary), data_converter=data_converter(PAYLOAD_RING)
    ) as env:
        for backend in backends:
            url, cleanup = _database(backend)
            try:
                fill_s = await prepare(url, args.projects, args.tasks)
                for row in await measure(url, args.samples, env.client, args.subscribers):
                    print(json.dumps({"backend": backend, "projects": args.projects, "tasks": args.tasks,
                                      "fill_s": round(fill_s, 1), **row}, ensure_ascii=False))
            finally:
                cleanup()


def _database(backend: str):
    if backend == "sqlite":
        path = Path(tempfile.mkdtemp()) / "inbox-bench.db"
        return f"sqlite:///{path}", lambda: None
    name = f"sf_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


if __name__ == "__main__":
    asyncio.run(main())
