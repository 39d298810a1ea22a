"""`standardflow worker` answers a liveness and a readiness probe on its health port."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
import pytest

from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.timeout(120)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _worker(tmp_path: Path, temporal_client, database_url: str, port: int, *options: str,
            **settings: str) -> subprocess.Popen:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("STANDARDFLOW_")},
           "STANDARDFLOW_VAR_DIR": str(tmp_path), "STANDARDFLOW_DATABASE_URL": database_url,
           "STANDARDFLOW_TEMPORAL_ADDRESS": temporal_client.service_client.config.target_host,
           "STANDARDFLOW_TASK_QUEUE": f"health-{port}", "STANDARDFLOW_WORKER_HEALTH_PORT": str(port),
           **{f"STANDARDFLOW_{name.upper()}": value for name, value in settings.items()}}
    with open(tmp_path / "worker.log", "wb") as log:  # a file: -X importtime alone would fill a pipe
        return subprocess.Popen([sys.executable, *options, "-m", "standardflow", "worker"], cwd=tmp_path, env=env,
                                stdout=log, stderr=subprocess.STDOUT)


def _get(port: int, path: str, seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(f"http://127.0.0.1:{port}{path}", timeout=10)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()


def _imported(output: str) -> set[str]:
    """The top-level packages `python -X importtime` reports a process imported."""
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in output.splitlines() if line.startswith("import time:")}


async def test_the_worker_is_live_and_ready_when_the_database_and_temporal_answer(tmp_path, temporal_client, database_url):
    port = _free_port()
    worker = _worker(tmp_path, temporal_client, database_url, port, "-X", "importtime")
    try:
        live = await asyncio.to_thread(_get, port, "/healthz")
        assert (live.status_code, live.json()) == (200, {"status": "ok"})
        ready = await asyncio.to_thread(_get, port, "/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "checks": {"database": "ok", "temporal": "ok"}}
        other = await asyncio.to_thread(_get, port, "/nothing")
        assert other.status_code == 404 and "/healthz" in other.json()["detail"]
        metrics = await asyncio.to_thread(_get, port, "/metrics")
        assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
        families = {family.name for family in text_string_to_metric_families(metrics.text)}
        assert "temporal_worker_start" in families, sorted(families)  # the SDK's own, passed on
        assert "temporal_num_pollers" in families
        assert "standardflow_activities" in families
        posted = await asyncio.to_thread(httpx.post, f"http://127.0.0.1:{port}/readyz")
        assert posted.status_code == 405 and "GET only" in posted.json()["detail"]
        with socket.create_connection(("127.0.0.1", port)) as raw:  # not HTTP at all
            raw.sendall(b"\x00\x01garbage\r\n\r\n")
            assert raw.recv(200).startswith(b"HTTP/1.1 400 Bad Request")
        assert (await asyncio.to_thread(_get, port, "/healthz")).status_code == 200, "still answering"
    finally:
        code = await asyncio.to_thread(_stop, worker)
    output = (tmp_path / "worker.log").read_text()
    assert code == 0, output
    imported = _imported(output)
    assert {"standardflow", "workflows", "temporalio"} <= imported, "the import report was read"
    assert not imported & {"api", "fastapi", "starlette", "uvicorn"}, "the worker ran without the API or FastAPI"


async def test_the_worker_is_not_ready_while_its_database_does_not_answer(tmp_path, temporal_client):
    port = _free_port()
    missing = PG_ADMIN_URL.rsplit("/", 1)[0] + "/sf_no_such_database"
    worker = _worker(tmp_path, temporal_client, missing, port)
    try:
        ready = await asyncio.to_thread(_get, port, "/readyz")
        assert ready.status_code == 503
        assert ready.json() == {"status": "not ready", "checks": {"database": "down", "temporal": "ok"}}
        assert (await asyncio.to_thread(_get, port, "/healthz")).status_code == 200, "alive, only not ready"
    finally:
        await asyncio.to_thread(_stop, worker)


async def test_a_worker_told_to_log_json_writes_nothing_but_json_lines(tmp_path, temporal_client, database_url):
    port = _free_port()
    worker = _worker(tmp_path, temporal_client, database_url, port, log_format="json")
    try:
        assert (await asyncio.to_thread(_get, port, "/readyz")).status_code == 200
    finally:
        code = await asyncio.to_thread(_stop, worker)
    lines = (tmp_path / "worker.log").read_text().splitlines()
    assert code == 0 and lines, lines
    records = [json.loads(line) for line in lines]
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records), records
    said = [(record["logger"], record["level"], record["message"]) for record in records]
    assert ("standardflow.worker", "INFO", f"worker polling task queue health-{port} of namespace default at "
            f"{temporal_client.service_client.config.target_host}; health and metrics on port {port}") in said
    assert ("standardflow.worker", "INFO", "worker stopping: the tasks under way have 20 s to finish") in said
