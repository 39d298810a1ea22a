"""Pipeline throughput: N standards through StandardFlow over HTTP, against bare Temporal on the same server.

    .venv/bin/python bench/pipeline.py --pipelines 40 --concurrency 10
    .venv/bin/python bench/pipeline.py --pipelines 4 --concurrency 4 --until publication
    .venv/bin/python bench/pipeline.py --address 127.0.0.1:7233 --until publication --no-equal-work

Options: --pipelines (40), --concurrency (10), --until publication|pilot|evaluation|review (review),
--address host:port of a running Temporal server (default: start a dev server; with one of the
caller's, no Temporal server CPU is measured), --equal-work / --no-equal-work (equal work, the default).

Runs the embedded default as `standardflow dev` does — Temporal's dev server with its state in a
file, the SQLite database built by the migrations with the demo data, and the worker and the API as
separate processes — under a compressed calendar (one policy day = one second; consultation 3 days,
a one-month pilot with a report every 10 days, the periodic review at once; every person's deadline
generous). Each pipeline is a group standard told by tests/journey.py: every human step is a signed-in
demo user's task completion through the API (auth, database, the Temporal update, the activities).

Every person keeps their inbox's task feed open (GET /api/v1/tasks/events, server-sent events). With
equal work (the default) each decision costs what a person makes for it: the person reads their
whole inbox once each time their feed says a task was opened for them while one of their standards
waits for a task, and every standard of theirs takes its task from that read (so at most one inbox
read per decision); the committee and the pilot sites are known beforehand, and the consultation's
comment follows the submission that opens it without reading the project. With --no-equal-work the
requests are tests/journey.py's: each standard reads its person's inbox on every feed notice of the
kind it waits for, reads the task again before completing it, and polls the project for the
consultation. HTTP requests and inbox reads per decision are printed.
At most --concurrency pipelines make decisions at once. A pipeline waiting out a policy period (the
consultation, the pilot's reporting intervals) gives its place to another until the task it waits
for arrives. Two rates are printed: decisions per second over the whole run, and over the time spent
on decisions (the run less the moments when every pipeline in flight was waiting out a policy
period). The second is the one compared with bare Temporal, which has no policy periods: after the
pipelines, with the API and worker stopped, ../shared/bench/bare_temporal.py runs on the same
Temporal server with the same pipelines, concurrency, and decisions per pipeline.

CPU time per decision, in ms, from /proc: the API's, the worker's and the Temporal server's over the
timed standards (sign-ins and the warm-up standard left out), and their total; the baseline's client
and worker process and the Temporal server over its whole run (its start and its warm-up pipeline
included, so its CPU is divided by its pipelines plus one). History events: after the standards, every
workflow run whose id holds a standard's project id (the project's, and any ballot-, panel- and
pilot- runs) is described, and the events per standard (mean, max), per decision and by workflow type
are printed; the baseline's are its BarePipeline runs started during its part of the run.

Prints StandardFlow's JSON, the baseline's JSON, then the comparison with the targets beside: the
rate ratio (>= 0.35), CPU per decision (total <= 60 ms; Temporal server <= 1.5 x bare's per
decision), history events per group standard to publication (<= 180), and the work per decision.
"""

import argparse
import asyncio
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from temporalio.client import Client

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.crypto.codec import data_converter  # noqa: E402
from services.crypto.keyring import KeyRing  # noqa: E402
from standardflow.config import Settings  # noqa: E402
from standardflow.runtime import STAGE_SEARCH_ATTRIBUTE, start_dev_server, wait_for_port  # noqa: E402
from tests.helpers import PROPOSAL, committee_id, org_id  # noqa: E402
from tests.journey import EXPERTS, MEMBERS, Journey, People  # noqa: E402

BARE = ROOT.parent / "shared" / "bench" / "bare_temporal.py"
SHORT_CALENDAR = {"*": {
    "consultation_days": 3, "pilot_months": 1, "report_interval_days": 10, "review_interval_years": 0,
    "screening_days": 600, "drafting_days": 600, "disposition_days": 600, "approval_days": 600,
    "evaluation_days": 600, "ballot": {"open_days": 600}, "panel": {"opinion_days": 600},
}}
USERS = ["li.wei", "wang.fang", *MEMBERS, *EXPERTS, "zhang.min", "ma.rui", "lin.tao", "hu.bin", "liang.hong"]
LEADS = ["lin.tao", "hu.bin"]
SITES = ["PUDONG", "DFCLOUD"]
UNTIL = ["publication", "pilot", "evaluation", "review"]
REPORTS = {
    "pilot_progress_report": {"decision": "submit", "progress": "按计划推进。", "metrics": {"sites_live": 2}},
    "pilot_final_report": {"decision": "submit", "summary": "对接成本下降。", "metrics": {"adapter_cost_saving_pct": 35}},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Embedded:
    """StandardFlow's embedded default in a fresh folder: a Temporal dev server (unless `address` names
    one), the database migrated and seeded, then `standardflow worker` and `standardflow api`."""

    def __init__(self, address: str | None, environment: dict[str, str] | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="sf-bench-"))
        self.api_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.api_port}"
        self.temporal: subprocess.Popen | None = None
        self.address = address or self._start_temporal()
        self.env = self._environment(environment or {})
        self.worker: subprocess.Popen | None = None
        self.api: subprocess.Popen | None = None

    def _start_temporal(self) -> str:
        settings = Settings(var_dir=self.folder, temporal_port=free_port(), temporal_ui_port=free_port())
        self.temporal = start_dev_server(settings)
        return settings.resolved_temporal_address

    def _environment(self, extra: dict[str, str]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("STANDARDFLOW_") and k != "PYTHONDONTWRITEBYTECODE"}
        # Compiled once, as in an installed deployment: without it every workflow run compiles the
        # workflow modules it imports into its sandbox from source again.
        env["PYTHONPYCACHEPREFIX"] = str(self.folder / "pycache")
        return {**env, "STANDARDFLOW_VAR_DIR": str(self.folder), "STANDARDFLOW_TEMPORAL_ADDRESS": self.address,
                "STANDARDFLOW_API_PORT": str(self.api_port), "STANDARDFLOW_PUBLIC_BASE_URL": self.base_url,
                "STANDARDFLOW_TASK_QUEUE": f"bench-{self.folder.name}", **extra}

    @property
    def state_file(self) -> Path:
        return self.folder / "temporal.db"

    def _run(self, *command: str) -> subprocess.Popen:
        log = open(self.folder / f"{command[0]}.log", "ab")  # noqa: SIM115 - lives as long as the process
        return subprocess.Popen([sys.executable, "-m", "standardflow", *command], env=self.env, cwd=self.folder,
                                stdout=log, stderr=subprocess.STDOUT)

    def start(self) -> None:
        if self._run("seed-demo").wait() != 0:
            raise RuntimeError(f"seeding failed: see {self.folder / 'seed-demo.log'}")
        asyncio.run(self._ensure_search_attribute())
        self.worker = self._run("worker")
        self.api = self._run("api")
        wait_for_port("127.0.0.1", self.api_port, timeout=60, process=self.api)

    async def _ensure_search_attribute(self) -> None:
        """A server of the caller's (--address) may lack the attribute the project workflow sets."""
        from temporalio.api.enums.v1 import IndexedValueType
        from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
        from temporalio.client import Client
        from temporalio.service import RPCError

        # The ring `standardflow worker` and `api` make in the folder and share (no STANDARDFLOW_PAYLOAD_KEYS).
        ring = KeyRing.from_file(self.folder / "payload-keys.json")
        client = await Client.connect(self.address, data_converter=data_converter(ring))
        try:
            await client.operator_service.add_search_attributes(AddSearchAttributesRequest(
                search_attributes={STAGE_SEARCH_ATTRIBUTE: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD},
                namespace=client.namespace))
        except RPCError:
            pass  # already there

    def stop_app(self) -> None:
        for process in (self.api, self.worker):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()

    def stop(self) -> None:
        self.stop_app()
        if self.temporal is not None and self.temporal.poll() is None:
            self.temporal.terminate()
            self.temporal.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


class TimedTransport(httpx.AsyncHTTPTransport):
    """Counts every request, the inbox reads (GET /api/v1/tasks) and the refusals (409) among them, and
    times each task completion (POST /tasks/{id}/complete) and each inbox read."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.requests = self.inbox_reads = self.refused = 0
        self.completions: list[float] = []
        self.reads: list[float] = []

    def reset(self) -> None:
        self.requests = self.inbox_reads = self.refused = 0
        self.completions.clear()
        self.reads.clear()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        response = await super().handle_async_request(request)
        self.requests += 1
        self.inbox_reads += request.method == "GET" and request.url.path == "/api/v1/tasks"
        self.refused += response.status_code == 409
        if request.method == "POST" and request.url.path.endswith("/complete") and response.status_code == 200:
            self.completions.append(time.perf_counter() - started)
        elif request.method == "GET" and request.url.path == "/api/v1/tasks" and response.status_code == 200:
            self.reads.append(time.perf_counter() - started)
        return response


class Clock:
    """Which pipelines make decisions and which wait out a policy period, and for how long nobody could
    make a decision because every pipeline in flight was waiting."""

    def __init__(self, concurrency: int) -> None:
        self.gate = asyncio.Semaphore(concurrency)
        self.active = self.waiting = 0
        self.idle_s = self.timer_s = 0.0
        self._idle_since: float | None = None

    def _update(self) -> None:
        now, idle = time.perf_counter(), self.active == 0 and self.waiting > 0
        if idle and self._idle_since is None:
            self._idle_since = now
        elif not idle and self._idle_since is not None:
            self.idle_s += now - self._idle_since
            self._idle_since = None

    async def step(self, action: Awaitable):
        """One person's step (a few decisions at most), taken once a place among the deciders is free."""
        async with self.gate:
            self.active += 1
            self._update()
            try:
                return await action
            finally:
                self.active -= 1
                self._update()

    @asynccontextmanager
    async def waiting_out(self) -> AsyncIterator[None]:
        """A pipeline waiting out a policy period, holding no place among the deciders."""
        self.waiting += 1
        self._update()
        started = time.perf_counter()
        try:
            yield
        finally:
            self.waiting -= 1
            self.timer_s += time.perf_counter() - started
            self._update()


class Feeds:
    """Every person's task feed, each kept open (reconnected when the server ends it): how many tasks
    of each kind have been opened for each person, and how often a feed said to read the inbox again."""

    def __init__(self, http: httpx.AsyncClient, people: People) -> None:
        self.http, self.people = http, people
        self.opened: Counter[tuple[str, str]] = Counter()
        self.resyncs: Counter[str] = Counter()
        self.heard: Counter[str] = Counter()  # per person: tasks opened for them, and resyncs
        self.changed = asyncio.Condition()
        self.listening: list[asyncio.Task] = []

    async def start(self, usernames: list[str]) -> None:
        ready = [asyncio.Event() for _ in usernames]
        self.listening = [asyncio.create_task(self._listen(u, r)) for u, r in zip(usernames, ready, strict=True)]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in ready)), 60)

    async def stop(self) -> None:
        for task in self.listening:
            task.cancel()
        await asyncio.gather(*self.listening, return_exceptions=True)

    def mark(self, usernames: list[str], kinds: list[str]) -> int:
        return sum(self.opened[u, k] for u in usernames for k in kinds) + sum(self.resyncs[u] for u in usernames)

    async def after(self, mark: int, usernames: list[str], kinds: list[str], seconds: float) -> None:
        """Once a task of one of these kinds has been opened for one of these people since `mark`."""
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: self.mark(usernames, kinds) > mark), seconds)

    async def _listen(self, username: str, ready: asyncio.Event) -> None:
        last_id = None
        while True:
            headers = {**await self.people(username), **({"Last-Event-ID": last_id} if last_id else {})}
            try:
                async with self.http.stream("GET", "/api/v1/tasks/events", headers=headers) as response:
                    response.raise_for_status()
                    async for name, event_id, data in _events(response):
                        last_id = event_id or last_id
                        await self._heard(username, name, data, ready)
            except httpx.HTTPError:
                await asyncio.sleep(1)

    async def _heard(self, username: str, name: str, data: dict, ready: asyncio.Event) -> None:
        if name == "ready":
            ready.set()
            return
        if name == "task" and data["change"] == "opened":
            self.opened[username, data["kind"]] += 1
        elif name == "resync":
            self.resyncs[username] += 1
        else:
            return
        self.heard[username] += 1
        async with self.changed:
            self.changed.notify_all()


async def _events(response: httpx.Response) -> AsyncIterator[tuple[str, str | None, dict]]:
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line == "":
            if "data" in fields:
                yield fields.get("event", "message"), fields.get("id"), json.loads(fields["data"])
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")


@dataclass
class WatchingJourney(Journey):
    """tests/journey.py's journey, its people reading their inbox when their feed brings a task of
    the kind they wait for, instead of re-reading it every 0.1 s."""

    feeds: Feeds | None = field(default=None, kw_only=True)

    async def task(self, username: str, kind: str, seconds: float | None = None) -> dict:
        found = await self.when([username], [kind], lambda: self.tasks(username, kind), seconds)
        return found[0]

    async def when(self, usernames: list[str], kinds: list[str], read: Callable[[], Awaitable],
                   seconds: float | None = None):
        """What `read` answers once it is not empty: read now, then again each time the feed brings
        one of these people a task of one of these kinds."""
        ends = time.perf_counter() + (seconds or self.patience)
        while True:
            mark = self.feeds.mark(usernames, kinds)
            if value := await read():
                return value
            await self.feeds.after(mark, usernames, kinds, max(0.0, ends - time.perf_counter()))

    async def consultation_open(self) -> None:
        await self.stage("public_consultation")

    async def reports(self, leads: list[str]) -> list[tuple[str, dict]]:
        """The report tasks open for these pilot leads, once there is one: each lead's inbox read again
        whenever the feed brings either of them a report task (of this standard or another)."""
        async def due() -> list[tuple[str, dict]]:
            return [(lead, task) for lead in leads for task in await self.tasks(lead) if task["kind"] in REPORTS]
        return await self.when(leads, list(REPORTS), due, 600)


class Inboxes:
    """Each person's inbox as that person reads it: the whole inbox, once each time their feed has said
    a task was opened for them (or to read again) while one of their standards waits for a task. Every
    standard of theirs takes what that one read found; a task is taken once."""

    def __init__(self, people: People, feeds: Feeds) -> None:
        self.people, self.feeds = people, feeds
        self.found: dict[str, list[dict]] = {}  # each person's open tasks, as their last read found them
        self.read_at: Counter[str] = Counter()  # what each person's feed had said when they last read
        self.taken: set[str] = set()
        self._reading: dict[str, asyncio.Future] = {}

    async def take(self, usernames: list[str], kinds: list[str], project_id: str,
                   seconds: float) -> list[tuple[str, dict]]:
        """The tasks of these kinds on this project open for these people, once there is one."""
        ends = time.perf_counter() + seconds
        while True:
            found = [(u, t) for u in usernames for t in self.found.get(u, [])
                     if t["kind"] in kinds and t["project_id"] == project_id and t["id"] not in self.taken]
            if found:
                self.taken.update(t["id"] for _, t in found)
                return found
            # a read under way may be the one that finds it: it is waited for, not the feed
            if unread := [u for u in usernames if self.feeds.heard[u] > self.read_at[u] or u in self._reading]:
                await asyncio.gather(*(self.read(u) for u in unread))
                continue
            async with self.feeds.changed:
                await asyncio.wait_for(self.feeds.changed.wait_for(
                    lambda: any(self.feeds.heard[u] > self.read_at[u] for u in usernames)),
                    max(0.0, ends - time.perf_counter()))

    async def read(self, username: str) -> None:
        """One read of the person's inbox; a standard that needs it while it is under way shares it."""
        if username not in self._reading:
            self._reading[username] = asyncio.ensure_future(self._read(username))
        await asyncio.shield(self._reading[username])

    async def _read(self, username: str) -> None:
        try:
            self.read_at[username] = self.feeds.heard[username]
            response = await self.people.http.get("/api/v1/tasks", params={"limit": 200},
                                                  headers=await self.people(username))
            if response.status_code != 200:
                raise AssertionError(f"{username}'s inbox: {response.status_code} {response.text}")
            self.found[username] = response.json()["items"]
        finally:
            del self._reading[username]


@dataclass
class Directory:
    """What the bench's people know without asking each time: their committee and the pilot sites."""

    committee_id: str
    site_ids: list[str]

    @classmethod
    async def read(cls, people: People) -> "Directory":
        headers = await people("wang.fang")
        return cls(await committee_id(people.http, headers),
                   [await org_id(people.http, headers, code) for code in SITES])


@dataclass
class PersonJourney(Journey):
    """tests/journey.py's journey making the requests a person makes for a decision and no more: the
    task a decision completes is one their inbox read found (tests/journey.py reads it again before
    completing it, and asks for the committee and the pilot sites each time), and the consultation's
    comment is made straight after the submission that opens it (whose completion answers once the
    consultation is open), without reading the project."""

    inboxes: Inboxes | None = field(default=None, kw_only=True)
    directory: Directory | None = field(default=None, kw_only=True)
    held: dict[tuple[str, str], dict] = field(default_factory=dict, kw_only=True)

    async def task(self, username: str, kind: str, seconds: float | None = None) -> dict:
        """The task the person found for this standard, read from their inbox once their feed says so."""
        if (username, kind) not in self.held:
            found = await self.inboxes.take([username], [kind], self.project_id, seconds or self.patience)
            self.held[username, kind] = found[0][1]
        return self.held[username, kind]

    async def complete(self, username: str, kind: str, decision: dict) -> dict:
        task = await self.task(username, kind)
        response = await self.http.post(f"/api/v1/tasks/{task['id']}/complete", json=decision,
                                        headers=await self.people(username))
        assert response.status_code == 200, f"{username} {kind}: {response.text}"
        del self.held[username, kind]
        self.decisions += 1
        return response.json()

    async def propose(self, proposer: str) -> dict:
        headers = await self.people(proposer)
        created = await self.http.post("/api/v1/projects", headers=headers,
                                       json={**PROPOSAL, "committee_id": self.directory.committee_id})
        assert created.status_code == 201, created.text
        self.project_id = created.json()["id"]
        submitted = await self.http.post(f"/api/v1/projects/{self.project_id}/submit", headers=headers)
        assert submitted.status_code == 200, submitted.text
        self.decisions += 1
        return submitted.json()

    async def enrol(self, secretary: str, site_codes: list[str]) -> None:
        await self.complete(secretary, "enrol_pilot_sites", {"decision": "enrol", "site_org_ids": self.directory.site_ids})

    async def consultation_open(self) -> None:
        pass

    async def reports(self, leads: list[str]) -> list[tuple[str, dict]]:
        return await self.inboxes.take(leads, list(REPORTS), self.project_id, 600)


async def standard(j: WatchingJourney | PersonJourney, clock: Clock, until: str) -> tuple[str, int, int]:
    """One group standard, proposal to `until`: its project, the human decisions it took, and the
    reports missed."""
    step = clock.step
    await step(j.propose("li.wei"))
    await step(j.screen_and_vote())
    await step(open_consultation(j))
    async with clock.waiting_out():
        await j.task("li.wei", "dispose_comments", seconds=600)
    await step(j.dispose_all("li.wei"))
    await step(j.demonstrate())
    await step(j.approve("ma.rui"))
    if until == "publication":
        return j.project_id, j.decisions, 0
    # The plan tasks are open when the enrolment answers, and each is due one reporting interval later
    # (10 s here): the leads plan in the same step, as they would on seeing their task.
    await step(enrol_and_plan(j))
    missed = await file_reports(j, clock)
    if until == "pilot":
        return j.project_id, j.decisions, missed
    await step(j.evaluate("liang.hong"))
    if until == "review":
        await step(j.complete("wang.fang", "periodic_review", {"decision": "confirm", "reasons": ""}))
    return j.project_id, j.decisions, missed


async def enrol_and_plan(j: WatchingJourney | PersonJourney) -> None:
    await j.enrol("wang.fang", SITES)
    for lead in LEADS:
        await j.plan(lead)


async def open_consultation(j: WatchingJourney | PersonJourney) -> None:
    """The consultation draft goes in, and a stakeholder comments while the consultation is open (it
    closes after three policy days: on a machine too busy to get there in time, without a comment)."""
    await j.submit_consultation_draft("li.wei")
    await j.consultation_open()
    response = await j.http.post(f"/api/v1/projects/{j.project_id}/comments", headers=await j.people("zhang.min"),
                                 json={"clause": "5.2.1", "comment": "建议明确接口的鉴权方式。", "proposed_change": ""})
    if response.status_code not in (201, 409):
        raise AssertionError(f"comment: {response.status_code} {response.text}")


async def file_reports(j: WatchingJourney | PersonJourney, clock: Clock) -> int:
    """The pilot leads file each report as it comes due, until both have filed their final report (or
    its deadline passed while the machine was too busy to get to it: the site lapses). Returns the
    number of reports missed."""
    finished: set[str] = set()
    missed = 0
    while finished != set(LEADS):
        async with clock.waiting_out():
            reports = await j.reports([lead for lead in LEADS if lead not in finished])
        for lead, task in reports:
            missed += not await clock.step(report(j, lead, task))
            if task["kind"] == "pilot_final_report":
                finished.add(lead)
    return missed


async def report(j: Journey, lead: str, task: dict) -> bool:
    """Whether the report was filed; False when its deadline passed before its turn came."""
    response = await j.http.post(f"/api/v1/tasks/{task['id']}/complete", json=REPORTS[task["kind"]],
                                 headers=await j.people(lead))
    if response.status_code not in (200, 409):
        raise AssertionError(f"{lead} {task['kind']}: {response.status_code} {response.text}")
    j.decisions += response.status_code == 200
    return response.status_code == 200


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000, 1)


async def drive(base_url: str, pipelines: int, concurrency: int, until: str, equal_work: bool,
                cpu: Callable[[], dict]) -> dict:
    """Runs the standards; CPU time is taken from `cpu` just before the first and after the last."""
    transport = TimedTransport(limits=httpx.Limits(max_connections=2 * concurrency + 10))
    streams = httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(30, read=None),
                                limits=httpx.Limits(max_connections=len(USERS) + 5))
    async with httpx.AsyncClient(transport=transport, base_url=base_url, timeout=120) as http, streams:
        people = People(http)
        for username in USERS:  # sign-ins (argon2) happen once per user, before the clock starts
            await people(username)
        feeds = Feeds(streams, people)
        await feeds.start(USERS)
        if equal_work:
            inboxes, directory = Inboxes(people, feeds), await Directory.read(people)
            journey = lambda: PersonJourney(people, inboxes=inboxes, directory=directory)  # noqa: E731
        else:
            journey = lambda: WatchingJourney(people, feeds=feeds)  # noqa: E731
        warm = journey()
        await warm.propose("li.wei")
        await warm.screen_and_vote()
        transport.reset()
        clock = Clock(concurrency)
        before, started = cpu(), time.perf_counter()
        results = await asyncio.gather(*(standard(journey(), clock, until) for _ in range(pipelines)))
        elapsed, after = time.perf_counter() - started, cpu()
        await feeds.stop()
    ours = summary([decisions for _, decisions, _ in results], concurrency, until, elapsed, clock, transport)
    return {**ours, "equal_work": equal_work, "reports_missed": sum(missed for _, _, missed in results),
            **cpu_per_decision(before, after, ours["decisions"]), "project_ids": [p for p, _, _ in results]}


def summary(decisions: list[int], concurrency: int, until: str, elapsed: float, clock: Clock,
            transport: TimedTransport) -> dict:
    total = sum(decisions)
    deciding = elapsed - clock.idle_s
    return {
        "system": "standardflow", "pipelines": len(decisions), "concurrency": concurrency, "until": until,
        "decisions_per_pipeline": round(statistics.mean(decisions), 2), "decisions": total,
        "elapsed_s": round(elapsed, 3), "all_waiting_on_timers_s": round(clock.idle_s, 3),
        "pipeline_timer_s_mean": round(clock.timer_s / len(decisions), 2),
        "decisions_per_s_run": round(total / elapsed, 2), "decisions_per_s_deciding": round(total / deciding, 2),
        "complete_p50_ms": percentile(transport.completions, 0.5),
        "complete_p95_ms": percentile(transport.completions, 0.95),
        "inbox_p50_ms": percentile(transport.reads, 0.5), "inbox_p95_ms": percentile(transport.reads, 0.95),
        "http_requests": transport.requests,
        "http_requests_per_decision": round(transport.requests / total, 2), "inbox_reads": transport.inbox_reads,
        "inbox_reads_per_decision": round(transport.inbox_reads / total, 2), "http_409": transport.refused,
    }


def cpu_per_decision(before: dict, after: dict, decisions: int) -> dict:
    """Each process's CPU seconds between the two readings, and its milliseconds per decision (the total
    is the API's, the worker's and the Temporal server's, as far as they were measured)."""
    spent = {k: after[k] - before[k] for k in after if k in before}
    per = {k: round(v * 1000 / decisions, 1) for k, v in spent.items()}
    return {**{f"{k}_cpu_s": round(v, 1) for k, v in spent.items()},
            "cpu_ms_per_decision": {**per, "total": round(sum(spent.values()) * 1000 / decisions, 1)}}


def bare_baseline(stack: Embedded, pipelines: int, steps: int, concurrency: int) -> dict:
    """bare_temporal.py's figures, with the CPU time it and the Temporal server (when ours) spent, per
    decision over every pipeline it ran (its warm-up pipeline too, as its CPU time holds it), and its
    workflows' history events."""
    command = [sys.executable, str(BARE), "--address", stack.address, "--pipelines", str(pipelines),
               "--steps", str(steps), "--concurrency", str(concurrency)]
    started_at = datetime.now(UTC)
    before, children = processes_cpu(stack), resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run(command, capture_output=True, text=True)
    after, spent = processes_cpu(stack), resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    if not lines:  # its figures are printed before it exits; a crash on the way out leaves them
        raise RuntimeError(f"bare_temporal.py exited with {run.returncode}: {run.stderr[-2000:]}")
    bare = json.loads(lines[-1])
    decisions = (pipelines + 1) * steps
    client_s = spent.ru_utime + spent.ru_stime - children.ru_utime - children.ru_stime
    server = {k: after[k] - before[k] for k in after if k == "temporal"}
    events = asyncio.run(bare_history_events(stack.address, started_at))
    return {**bare, "client_cpu_s": round(client_s, 1), **{f"{k}_cpu_s": round(v, 1) for k, v in server.items()},
            "cpu_ms_per_decision": {"client": round(client_s * 1000 / decisions, 1),
                                    **{k: round(v * 1000 / decisions, 1) for k, v in server.items()}},
            **events_summary(events, steps, "pipeline")}


def processes_cpu(stack: Embedded) -> dict:
    named = {"api": stack.api, "worker": stack.worker, "temporal": stack.temporal}
    return {name: cpu_seconds(p.pid) for name, p in named.items() if p is not None and p.poll() is None}


async def history_lengths(address: str, query: str | None = None) -> list[tuple[str, str, int]]:
    """Every workflow run on the server (that the query finds): its id, its type and its history's
    length in events, as the server describes it."""
    client = await Client.connect(address, namespace=Settings.model_fields["temporal_namespace"].default)
    runs = [(e.id, e.run_id, e.workflow_type) async for e in client.list_workflows(query)]
    described = await asyncio.gather(*(client.get_workflow_handle(i, run_id=r).describe() for i, r, _ in runs))
    return [(i, t, d.history_length) for (i, _, t), d in zip(runs, described, strict=True)]


async def project_history_events(address: str, project_ids: list[str]) -> tuple[list[int], Counter]:
    """The events of every workflow run each standard used (the project's, and the ballot, panel and
    pilot-site runs named after it); with the events by workflow type, over all standards."""
    per, by_type = dict.fromkeys(project_ids, 0), Counter()
    for workflow_id, workflow_type, length in await history_lengths(address):
        if owner := next((p for p in project_ids if p in workflow_id), None):
            per[owner] += length
            by_type[workflow_type] += length
    return list(per.values()), by_type


async def bare_history_events(address: str, since: datetime) -> list[int]:
    query = f"WorkflowType = 'BarePipeline' AND StartTime >= '{since.isoformat(timespec='seconds')}'"
    return [length for _, _, length in await history_lengths(address, query)]


def events_summary(events: list[int], decisions_per: float, per: str) -> dict:
    return {f"history_events_per_{per}_mean": round(statistics.mean(events), 1),
            f"history_events_per_{per}_max": max(events),
            "history_events_per_decision": round(statistics.mean(events) / decisions_per, 2)}


def compare(ours: dict, bare: dict) -> str:
    """The figures the performance target is stated in, StandardFlow's beside bare Temporal's."""
    ratio = ours["decisions_per_s_deciding"] / bare["decisions_per_s"]
    cpu, bare_cpu = ours["cpu_ms_per_decision"], bare["cpu_ms_per_decision"]
    server = (f"{cpu['temporal'] / bare_cpu['temporal']:.2f}" if bare_cpu.get("temporal") and "temporal" in cpu
              else "n/a (the server is not ours)")
    lines = [
        f"decisions/s StandardFlow {ours['decisions_per_s_deciding']} (over decision time; "
        f"{ours['decisions_per_s_run']} over the whole run, {ours['all_waiting_on_timers_s']} s of it with "
        f"every pipeline waiting on timers) / bare {bare['decisions_per_s']} = ratio {ratio:.2f} (target >= 0.35); "
        f"task completion p50/p95 {ours['complete_p50_ms']}/{ours['complete_p95_ms']} ms (target p95 <= 1000), "
        f"inbox read {ours['inbox_p50_ms']}/{ours['inbox_p95_ms']} ms (target p95 <= 200); "
        f"bare update p50/p95 {bare['update_p50_ms']}/{bare['update_p95_ms']} ms",
        f"CPU ms per decision: StandardFlow API {cpu.get('api')} + worker {cpu.get('worker')} + Temporal server "
        f"{cpu.get('temporal')} = {cpu['total']} (target <= 60); bare client+worker {bare_cpu['client']} + "
        f"Temporal server {bare_cpu.get('temporal')}; server StandardFlow/bare = {server} (target <= 1.5)",
        f"history events per standard to {ours['until']}: StandardFlow mean "
        f"{ours['history_events_per_standard_mean']}, max {ours['history_events_per_standard_max']} "
        f"(target <= 180 to publication), {ours['history_events_per_decision']} per decision "
        f"({ours['history_events_by_workflow_type']}); bare per pipeline of {bare['steps']} decisions mean "
        f"{bare['history_events_per_pipeline_mean']}, max {bare['history_events_per_pipeline_max']}, "
        f"{bare['history_events_per_decision']} per decision",
        f"work per decision: StandardFlow {ours['http_requests_per_decision']} HTTP requests, "
        f"{ours['inbox_reads_per_decision']} inbox reads ({'equal work' if ours['equal_work'] else 'as tests/journey.py'}); "
        f"bare 1 update",
    ]
    return "\n".join(lines)


def measure(stack: Embedded, pipelines: int, concurrency: int, until: str, equal_work: bool) -> dict:
    """StandardFlow's figures, with the CPU time its processes spent and its workflows' history events."""
    load = os.getloadavg()[0]
    ours = asyncio.run(drive(stack.base_url, pipelines, concurrency, until, equal_work, lambda: processes_cpu(stack)))
    events, by_type = asyncio.run(project_history_events(stack.address, ours.pop("project_ids")))
    return {**ours, **events_summary(events, ours["decisions_per_pipeline"], "standard"),
            "history_events_by_workflow_type": {t: round(n / len(events), 1) for t, n in by_type.items()},
            "load_1min_before": round(load, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", help="host:port of a running Temporal server (default: start a dev server)")
    parser.add_argument("--pipelines", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--until", choices=UNTIL, default="review",
                        help="the last stage driven (default: the whole pipeline, to the first periodic review)")
    parser.add_argument("--equal-work", action=argparse.BooleanOptionalAction, default=True,
                        help="each decision costs the requests a person makes: one inbox read per feed "
                             "notice, the task taken from it (default); --no-equal-work: tests/journey.py's "
                             "requests, re-reading the inbox before a completion and polling the project")
    args = parser.parse_args()
    stack = Embedded(args.address, {"STANDARDFLOW_POLICY_DAY_SECONDS": "1",
                                    "STANDARDFLOW_POLICY_OVERRIDES": json.dumps(SHORT_CALENDAR)})
    try:
        stack.start()
        ours = measure(stack, args.pipelines, args.concurrency, args.until, args.equal_work)
        print(json.dumps(ours, ensure_ascii=False), flush=True)
        stack.stop_app()
        bare = bare_baseline(stack, args.pipelines, round(ours["decisions_per_pipeline"]), args.concurrency)
        print(json.dumps(bare))
        print(compare(ours, bare))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
