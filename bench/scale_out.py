"""Scale-out on one machine: StandardFlow on PostgreSQL and one Temporal server, with 1 API + 1 worker,
then 2 + 2, then 3 + 3 processes, the requests spread over the APIs in turn.

    .venv/bin/python bench/scale_out.py
    .venv/bin/python bench/scale_out.py --projects 30 --concurrency 10 --sizes 1 2 3

Each size runs on a PostgreSQL database of its own (made and dropped on STANDARDFLOW_TEST_PG's server,
postgresql://postgres@127.0.0.1:5432/postgres by default), migrated and seeded with the demo data, and
a task queue of its own on the one Temporal dev server. Group standards go through the API as signed-in
demo users (tests/journey.py), at most --concurrency at once, from proposal into public consultation:
submission, screening, five votes and the consultation draft, 8 decisions a standard, under a
compressed calendar (one policy day = one second).

Prints, for each size, a JSON line: decisions per second, the completion's p50 and p95 (POST
/api/v1/tasks/{id}/complete, as the client saw it), the requests each API answered, and the CPU each
kind of process used, in seconds and as a share of the machine (all its cores) over the run.
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from standardflow.runtime import STAGE_SEARCH_ATTRIBUTE, temporal_binary, wait_for_port  # noqa: E402
from tests.journey import MEMBERS, Journey, People  # noqa: E402
from tests.payload_keys import PAYLOAD_KEYS  # noqa: E402

PG_ADMIN = os.environ.get("STANDARDFLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
TICKS = os.sysconf("SC_CLK_TCK")
DEADLINES = {"*": {"consultation_days": 3, "screening_days": 3600, "drafting_days": 3600,
                   "ballot": {"open_days": 3600}}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


class RoundRobin(httpx.AsyncBaseTransport):
    """Each request to the next API in turn; times every completion."""

    def __init__(self, ports: list[int]) -> None:
        self._inner, self._ports, self._next = httpx.AsyncHTTPTransport(), ports, 0
        self.completions: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        port, self._next = self._ports[self._next % len(self._ports)], self._next + 1
        request.url = request.url.copy_with(port=port)
        started = time.perf_counter()
        response = await self._inner.handle_async_request(request)
        if request.method == "POST" and request.url.path.endswith("/complete"):
            await response.aread()
            self.completions.append(time.perf_counter() - started)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


class Size:
    """n workers and n APIs on a fresh database, beside the shared Temporal server."""

    def __init__(self, n: int, folder: Path, temporal: str) -> None:
        self.n, self.folder = n, folder
        self.database = f"sf_scale_{uuid.uuid4().hex[:8]}"
        self.url = PG_ADMIN.rsplit("/", 1)[0] + f"/{self.database}"
        self.api_ports = [free_port() for _ in range(n)]
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("STANDARDFLOW_")},
            "STANDARDFLOW_VAR_DIR": str(folder), "STANDARDFLOW_DATABASE_URL": self.url,
            "STANDARDFLOW_TEMPORAL_ADDRESS": temporal, "STANDARDFLOW_TASK_QUEUE": f"scale-{self.database}",
            "STANDARDFLOW_PUBLIC_BASE_URL": f"http://127.0.0.1:{self.api_ports[0]}",
            "STANDARDFLOW_POLICY_DAY_SECONDS": "1", "STANDARDFLOW_POLICY_OVERRIDES": json.dumps(DEADLINES),
            "STANDARDFLOW_PAYLOAD_KEYS": PAYLOAD_KEYS, "PYTHONPYCACHEPREFIX": str(folder / "pycache"),
        }
        self.processes: dict[str, list[subprocess.Popen]] = {"worker": [], "api": []}

    def __enter__(self) -> "Size":
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.database}"')
        seeded = subprocess.run([sys.executable, "-m", "standardflow", "seed-demo"], env=self.env, cwd=self.folder,
                                capture_output=True, text=True, timeout=300)
        assert seeded.returncode == 0, seeded.stderr
        for number in range(self.n):
            self._start("worker", number, {})
        for number, port in enumerate(self.api_ports):
            self._start("api", number, {"STANDARDFLOW_API_PORT": str(port)})
            wait_for_port("127.0.0.1", port, timeout=60, process=self.processes["api"][-1])
        return self

    def _start(self, part: str, number: int, extra: dict[str, str]) -> None:
        log = open(self.folder / f"{part}-{self.n}-{number}.log", "ab")  # noqa: SIM115 - the process keeps it
        self.processes[part].append(subprocess.Popen(
            [sys.executable, "-m", "standardflow", part], env={**self.env, **extra}, cwd=self.folder,
            stdout=log, stderr=subprocess.STDOUT))

    def cpu(self) -> dict[str, float]:
        return {part: sum(cpu_seconds(p.pid) for p in running) for part, running in self.processes.items()}

    def __exit__(self, *exc: object) -> None:
        for running in self.processes.values():
            for process in running:
                process.terminate()
        for running in self.processes.values():
            for process in running:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


async def run_size(n: int, folder: Path, temporal: subprocess.Popen, address: str, projects: int,
                   concurrency: int) -> dict:
    with Size(n, folder, address) as size:
        transport = RoundRobin(size.api_ports)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://127.0.0.1:{size.api_ports[0]}",
                                     timeout=120) as http:
            people = People(http)
            for username in ["li.wei", "wang.fang", *MEMBERS]:
                await people(username)
            await into_consultation(Journey(people, patience=120))  # warm-up, not timed
            transport.completions.clear()
            gate = asyncio.Semaphore(concurrency)
            journeys = [Journey(people, patience=120) for _ in range(projects)]

            async def one(journey: Journey) -> None:
                async with gate:
                    await into_consultation(journey)

            cpu_before, temporal_before, started = size.cpu(), cpu_seconds(temporal.pid), time.perf_counter()
            await asyncio.gather(*(one(j) for j in journeys))
            elapsed = time.perf_counter() - started
            cpu_after, temporal_after = size.cpu(), cpu_seconds(temporal.pid)
            answered = []
            for port in size.api_ports:
                metrics = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
                answered.append(sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
                                    if line.startswith("standardflow_http_requests_total{")))
        decisions = sum(j.decisions for j in journeys)
        cores = os.cpu_count() or 1
        used = {part: round(cpu_after[part] - cpu_before[part], 2) for part in cpu_after}
        used["temporal"] = round(temporal_after - temporal_before, 2)
        latencies = sorted(transport.completions)
        return {
            "apis": n, "workers": n, "projects": projects, "concurrency": concurrency, "decisions": decisions,
            "elapsed_s": round(elapsed, 2), "decisions_per_s": round(decisions / elapsed, 2),
            "complete_p50_ms": round(statistics.median(latencies) * 1000, 1),
            "complete_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
            "requests_answered_by_api": answered, "cpu_s": used,
            "machine_share": {part: round(seconds / (elapsed * cores), 3) for part, seconds in used.items()},
            "cores": cores, "load_1min_before": round(os.getloadavg()[0], 2),
        }


async def into_consultation(journey: Journey) -> None:
    await journey.propose("li.wei")
    await journey.screen_and_vote()
    await journey.submit_consultation_draft("li.wei")
    await journey.stage("public_consultation")


def start_temporal(folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(folder / "temporal.log", "ab")  # noqa: SIM115 - the process keeps it
    process = subprocess.Popen(
        [temporal_binary(), "server", "start-dev", "--db-filename", str(folder / "temporal.db"), "--ip", "127.0.0.1",
         "--port", str(port), "--headless", "--search-attribute", f"{STAGE_SEARCH_ATTRIBUTE}=Keyword",
         "--log-level", "warn"], stdout=log, stderr=subprocess.STDOUT)
    wait_for_port("127.0.0.1", port, timeout=60, process=process)
    return process, f"127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sf-scale-") as folder:
        temporal, address = start_temporal(Path(folder))
        try:
            rows = []
            for n in args.sizes:
                sized = Path(folder) / f"size-{n}"
                sized.mkdir()
                rows.append(asyncio.run(run_size(n, sized, temporal, address, args.projects, args.concurrency)))
                print(json.dumps(rows[-1]), flush=True)
        finally:
            temporal.terminate()
            temporal.wait(timeout=30)
    print("\nAPIs+workers  decisions/s  completion p50/p95 ms  machine share (api, worker, temporal)")
    for row in rows:
        share = row["machine_share"]
        print(f"{row['apis']} + {row['workers']}        {row['decisions_per_s']:>8}  "
              f"{row['complete_p50_ms']:>8} / {row['complete_p95_ms']:<8}  "
              f"{share['api']:.2f}, {share['worker']:.2f}, {share['temporal']:.2f}")


if __name__ == "__main__":
    main()
