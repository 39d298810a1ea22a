"""The worker's health endpoints, for a liveness or readiness probe: the worker speaks no HTTP
otherwise, so the standard library's HTTP server answers two GETs on its own port, from a thread
beside the worker's event loop.

    /healthz  200 while the worker's event loop answers; 503 when it does not within ANSWER_WITHIN_S
    /readyz   200 when the database and Temporal both answer; 503 names the one that does not
    /metrics  Prometheus metrics, when the worker hands `metrics` in (text exposition format)

Anything else is 404 (405 for another method). Each answer is asked of the worker's loop
(asyncio.run_coroutine_threadsafe) with a time limit, so a stuck loop is never reported alive. Each
connection has its own thread, READ_TIMEOUT_S in all to send its request head and MAX_HEAD_BYTES for
it, and at most MAX_CONNECTIONS are served at once: a slow or oversize client cannot hold the port."""

import asyncio
import io
import json
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from concurrent.futures import Future
from contextlib import asynccontextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from standardflow.endpoints import readiness

Check = Callable[[], Coroutine[Any, Any, bool]]

ANSWER_WITHIN_S = 2.0  # inside the probes' own timeouts (deploy/: 3 s and 5 s)
READ_TIMEOUT_S = 5.0
MAX_HEAD_BYTES = 8 * 1024
MAX_CONNECTIONS = 32
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"

log = logging.getLogger(__name__)


@asynccontextmanager
async def serving(host: str, port: int, checks: Mapping[str, Check], *, answer_within: float = ANSWER_WITHIN_S,
                  read_within: float = READ_TIMEOUT_S,
                  metrics: Callable[[], bytes] | None = None) -> AsyncIterator[tuple[str, int]]:
    """Answers on host:port (0 for any free port) while the block runs, on behalf of the running
    loop; yields the address it listens on. `checks` name the parts /readyz asks on the loop;
    `metrics`, called on the probe's thread, gives /metrics its body."""
    loop = asyncio.get_running_loop()
    server = await asyncio.to_thread(_ProbeServer, (host, port), loop, dict(checks), answer_within, read_within)
    server.metrics = metrics
    thread = threading.Thread(target=server.serve_forever, name="health probes", daemon=True)
    thread.start()
    try:
        yield server.server_address[:2]
    finally:
        await asyncio.to_thread(server.shutdown)
        server.server_close()


class _ProbeServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = MAX_CONNECTIONS  # a burst is accepted, not left to the client's retry a second later

    def __init__(self, address: tuple[str, int], loop: asyncio.AbstractEventLoop, checks: dict[str, Check],
                 answer_within: float, read_within: float) -> None:
        super().__init__(address, _Probe)
        self.loop, self.checks = loop, checks
        self.metrics: Callable[[], bytes] | None = None
        self.answer_within, self.read_within = answer_within, read_within
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: socket.socket, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)  # every slot is taken: this one is closed unanswered
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: socket.socket, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def liveness(self) -> tuple[int, dict]:
        deadline = time.monotonic() + self.answer_within
        if _settle(_submit(self.loop, lambda: asyncio.sleep(0, True)), deadline) is True:
            return 200, {"status": "ok"}
        return 503, {"status": "stuck", "detail": f"the worker's event loop did not answer within {self.answer_within:g} s"}

    def readiness(self) -> tuple[int, dict]:
        deadline = time.monotonic() + self.answer_within
        futures = {name: _submit(self.loop, check) for name, check in self.checks.items()}
        result = {name: _settle(future, deadline) is True for name, future in futures.items()}
        return (200 if all(result.values()) else 503), readiness(result)


def _submit(loop: asyncio.AbstractEventLoop, make: Check) -> Future | None:
    coroutine = make()
    try:
        return asyncio.run_coroutine_threadsafe(coroutine, loop)
    except RuntimeError:  # the loop has closed
        coroutine.close()
        return None


def _settle(future: Future | None, deadline: float) -> object:
    """What the coroutine returned, or None when it failed or did not finish by the deadline."""
    if future is None:
        return None
    try:
        return future.result(timeout=max(0.0, deadline - time.monotonic()))
    except Exception:  # noqa: BLE001 - timed out, failed or cancelled: no answer
        future.cancel()
        return None


ANSWERS: dict[str, Callable[[_ProbeServer], tuple[int, dict]]] = {
    "/healthz": _ProbeServer.liveness, "/readyz": _ProbeServer.readiness,
}


class _Probe(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.1"  # so even an unreadable request line gets a status line back
    server: _ProbeServer

    def setup(self) -> None:
        super().setup()
        self.rfile = io.BufferedReader(_RequestHead(self.connection, self.server.read_within))

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if self.rfile.raw.exceeded:
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                            f"a request head of at most {MAX_HEAD_BYTES} bytes was expected")
            return False
        return True

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        metrics = path == "/metrics" and self.server.metrics is not None
        if path not in ANSWERS and not metrics:
            self._reply(404, {"detail": f"no such path: {path}; try /healthz or /readyz"})
        elif self.command != "GET":
            self._reply(405, {"detail": f"{path} answers GET only"}, allow="GET")
        elif metrics:
            self._send(200, self.server.metrics(), METRICS_TYPE)
        else:
            self._reply(*ANSWERS[path](self.server))

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard parser's refusals (a malformed request, an unknown method), in JSON."""
        self.log_error("code %d, message %s", code, message)
        self._reply(code, {"detail": message or HTTPStatus(code).phrase})

    def _reply(self, status: int, body: dict, allow: str | None = None) -> None:
        self._send(status, json.dumps(body).encode(), "application/json", allow)

    def _send(self, status: int, payload: bytes, content_type: str, allow: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        if allow:
            self.send_header("Allow", allow)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the standard signature
        log.debug(format, *args)


class _RequestHead(io.RawIOBase):
    """The connection as the request parser reads it: the client has `seconds` in all to send its
    head, however slowly it drips it, and no more than MAX_HEAD_BYTES of it are read."""

    def __init__(self, connection: socket.socket, seconds: float) -> None:
        super().__init__()
        self._connection = connection
        self._deadline = time.monotonic() + seconds
        self._left = MAX_HEAD_BYTES + 1

    @property
    def exceeded(self) -> bool:
        return self._left == 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left == 0:
            return 0
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request head took too long")
        self._connection.settimeout(remaining)
        count = self._connection.recv_into(memoryview(buffer)[: self._left])
        self._left -= count
        return count
