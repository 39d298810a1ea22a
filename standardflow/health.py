"""The worker's health endpoints, for a liveness or readiness probe: the worker speaks no HTTP
otherwise, so a small server on its own port answers two GETs.

    /healthz  200 while the worker's event loop answers
    /readyz   200 when the database and Temporal both answer; 503 names the one that does not

Anything else is 404 (405 for another method). Requests are read with a time limit and a size limit,
so a slow or hostile client cannot hold the worker's loop."""

import asyncio
import json
from http import HTTPStatus
from collections.abc import Awaitable, Callable

from api.routes.health import readiness

Checks = Callable[[], Awaitable[dict[str, bool]]]

READ_TIMEOUT_S = 5
MAX_HEAD_BYTES = 8 * 1024


async def serve(host: str, port: int, checks: Checks) -> asyncio.Server:
    """Starts answering on host:port; close the returned server to stop."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, body = await _answer(reader, checks)
        except (asyncio.TimeoutError, asyncio.LimitOverrunError, asyncio.IncompleteReadError, ValueError):
            status, body = 400, {"detail": "a GET request line and headers were expected"}
        payload = json.dumps(body).encode()
        head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n")
        try:
            writer.write(head.encode() + payload)
            await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, host, port, limit=MAX_HEAD_BYTES)


async def _answer(reader: asyncio.StreamReader, checks: Checks) -> tuple[int, dict]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT_S)
    method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
    path = target.split("?", 1)[0]
    if path not in ("/healthz", "/readyz"):
        return 404, {"detail": f"no such path: {path}; try /healthz or /readyz"}
    if method != "GET":
        return 405, {"detail": f"{path} answers GET only"}
    if path == "/healthz":
        return 200, {"status": "ok"}
    result = await checks()
    return (200 if all(result.values()) else 503), readiness(result)
