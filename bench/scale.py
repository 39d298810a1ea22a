"""Many open projects: N proposals submitted through the API, each left waiting in a secretary's inbox.

    .venv/bin/python bench/scale.py                      # 10,000 projects
    .venv/bin/python bench/scale.py --projects 1000      # a quick run

Runs the embedded default as bench/pipeline.py does (Temporal's dev server with its state in a file,
SQLite, the worker and the API as separate processes), with the real calendar: every project's
workflow starts, opens its screening task and then waits on durable timers (reminders, the deadline).
A proposer creates and submits each project over HTTP, --concurrency at a time. Prints one JSON line:
the time to open them and submissions per second, the worker's resident memory (the kernel's peak,
VmHWM, and what it holds once every project waits, VmRSS), the Temporal state file's size, and how
many screening tasks are open in the database.
"""

import argparse
import asyncio
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline import Embedded  # noqa: E402
from tests.helpers import PROPOSAL, committee_id  # noqa: E402
from tests.journey import People  # noqa: E402

MB = 1024 * 1024


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {name: round(int(fields[name].split()[0]) / 1024, 1) for name in ("VmRSS", "VmHWM")}


def state_mb(stack: Embedded) -> float:
    """The dev server's SQLite state, with its write-ahead log."""
    files = [stack.state_file, stack.state_file.with_name(stack.state_file.name + "-wal")]
    return round(sum(f.stat().st_size for f in files if f.exists()) / MB, 1)


def open_screenings(stack: Embedded) -> int:
    with sqlite3.connect(stack.folder / "standardflow.db") as db:
        query = "SELECT count(*) FROM task WHERE kind = 'screen_proposal' AND state = 'open'"
        return db.execute(query).fetchone()[0]


async def open_projects(base_url: str, projects: int, concurrency: int) -> float:
    """Creates and submits the projects; the seconds it took."""
    limits = httpx.Limits(max_connections=concurrency + 5)
    async with httpx.AsyncClient(base_url=base_url, timeout=300, limits=limits) as http:
        headers = await People(http)("li.wei")
        body = {**PROPOSAL, "committee_id": await committee_id(http, headers)}
        queue: asyncio.Queue[int] = asyncio.Queue()
        for number in range(projects):
            queue.put_nowait(number)

        async def proposer() -> None:
            while not queue.empty():
                number = queue.get_nowait()
                created = await http.post("/api/v1/projects", json={**body, "title_en": f"Project {number}"},
                                          headers=headers)
                assert created.status_code == 201, created.text
                submitted = await http.post(f"/api/v1/projects/{created.json()['id']}/submit", headers=headers)
                assert submitted.status_code == 200, submitted.text

        started = time.perf_counter()
        await asyncio.gather(*(proposer() for _ in range(concurrency)))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--settle", type=float, default=30, help="seconds to wait before reading VmRSS after")
    args = parser.parse_args()
    stack = Embedded(None)
    try:
        stack.start()
        load, before = os.getloadavg()[0], memory_mb(stack.worker.pid)["VmRSS"]
        elapsed = asyncio.run(open_projects(stack.base_url, args.projects, args.concurrency))
        time.sleep(args.settle)
        memory = memory_mb(stack.worker.pid)
        result = {
            "projects": args.projects, "concurrency": args.concurrency, "elapsed_s": round(elapsed, 1),
            "submissions_per_s": round(args.projects / elapsed, 2), "worker_rss_start_mb": before,
            "worker_rss_peak_mb": memory["VmHWM"], "worker_rss_after_mb": memory["VmRSS"],
            "api_rss_after_mb": memory_mb(stack.api.pid)["VmRSS"], "temporal_state_mb": state_mb(stack),
            "open_screening_tasks": open_screenings(stack), "load_1min_before": round(load, 2),
        }
    finally:
        stack.stop()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
