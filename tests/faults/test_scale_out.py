"""Two API processes and two workers on one PostgreSQL database and one Temporal server: twenty
projects through committee review into consultation, each request sent to the next API in turn. Both
APIs answer, both workers take part (their metrics say so), and every task is done once."""

import asyncio
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from services.db import create_engine
from standardflow.runtime import wait_for_port
from tests.faults.conftest import Processes, free_port
from tests.journey import MEMBERS, Journey, People

pytestmark = pytest.mark.timeout(420)

PROJECTS = 20


class RoundRobin(httpx.AsyncBaseTransport):
    """Each request to the next API in turn, as a load balancer without affinity sends them."""

    def __init__(self, ports: list[int]) -> None:
        self._inner, self._ports, self._next = httpx.AsyncHTTPTransport(), ports, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        port, self._next = self._ports[self._next % len(self._ports)], self._next + 1
        request.url = request.url.copy_with(port=port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
def scaled_out(pg_database: str, tmp_path: Path) -> Iterator[tuple[Processes, list[int], list[int]]]:
    """Temporal, then two workers (each with its health port) and two APIs on the seeded database:
    the parts, the APIs' ports and the workers' health ports."""
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    parts = Processes(var_dir=var_dir, database_url=pg_database)
    extra: list[subprocess.Popen] = []
    api_ports, health_ports = [parts.api_port, free_port()], [free_port(), free_port()]
    try:
        parts.start("temporal")
        seeded = parts.command("seed-demo")
        assert seeded.returncode == 0, seeded.stderr
        for number, (part, port) in enumerate([*(("worker", p) for p in health_ports), *(("api", p) for p in api_ports)]):
            setting = "STANDARDFLOW_WORKER_HEALTH_PORT" if part == "worker" else "STANDARDFLOW_API_PORT"
            log = open(var_dir / f"{part}-{number}.log", "ab")  # noqa: SIM115 - the process keeps it
            extra.append(subprocess.Popen([sys.executable, "-m", "standardflow", part], cwd=var_dir, stdout=log,
                                          stderr=subprocess.STDOUT, env={**parts.env(), setting: str(port)}))
            wait_for_port("127.0.0.1", port, timeout=60, process=extra[-1])
        yield parts, api_ports, health_ports
    finally:
        for process in extra:
            process.terminate()
        for process in extra:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        parts.stop_all()


def _total(metrics: str, family: str) -> float:
    return sum(sample.value for found in text_string_to_metric_families(metrics) if found.name == family
               for sample in found.samples if sample.name == f"{family}_total")


async def _completed_tasks(url: str, project_ids: list[str]) -> dict[str, Counter]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(text(
                "SELECT kind, project_id, state FROM task WHERE state = 'completed'"))).all()
    finally:
        await engine.dispose()
    wanted = {pid.replace("-", ""): pid for pid in project_ids}
    found: dict[str, Counter] = {pid: Counter() for pid in project_ids}
    for kind, project_id, _ in rows:
        pid = wanted.get(str(project_id).replace("-", ""))
        if pid is not None:
            found[pid][kind] += 1
    return found


async def test_twenty_projects_over_two_apis_and_two_workers(scaled_out):
    parts, api_ports, health_ports = scaled_out
    async with httpx.AsyncClient(transport=RoundRobin(api_ports), base_url=parts.base_url, timeout=120) as http:
        people = People(http)
        for username in ["li.wei", "wang.fang", *MEMBERS]:
            await people(username)  # once each, before the journeys: parallel sign-ins count as guesses
        journeys = [Journey(people, patience=120) for _ in range(PROJECTS)]

        async def into_consultation(journey: Journey) -> dict:
            await journey.propose("li.wei")
            await journey.screen_and_vote()
            await journey.submit_consultation_draft("li.wei")
            return await journey.stage("public_consultation")

        projects = await asyncio.gather(*(into_consultation(j) for j in journeys))
        apis = [(await http.get(f"http://127.0.0.1:{port}/metrics")).text for port in api_ports]

    assert all(p["stage"] == "public_consultation" for p in projects)
    # Both APIs answered (each about half the requests), and both workers ran activities.
    answered = [_total(metrics, "standardflow_http_requests") for metrics in apis]
    assert min(answered) >= 0.4 * sum(answered), answered
    workers = [httpx.get(f"http://127.0.0.1:{port}/metrics").text for port in health_ports]
    ran = [_total(metrics, "standardflow_activities") for metrics in workers]
    assert all(count > 0 for count in ran), ran
    # Nothing lost, nothing done twice: each project's screening, five votes and draft, once each.
    done = await _completed_tasks(parts.database_url, [j.project_id for j in journeys])
    expected = Counter({"screen_proposal": 1, "ballot_vote": len(MEMBERS), "submit_consultation_draft": 1})
    assert {pid: dict(kinds) for pid, kinds in done.items() if kinds != expected} == {}
