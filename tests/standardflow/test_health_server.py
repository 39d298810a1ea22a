"""The worker's health port, served beside a running event loop: what a probe and a hostile client see."""

import asyncio
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from standardflow import health

pytestmark = pytest.mark.timeout(60)

ANSWER_WITHIN = 0.5
READ_WITHIN = 1.0


async def _answers() -> bool:
    return True


async def _fails() -> bool:
    return False


async def _hangs() -> bool:
    await asyncio.Event().wait()
    return True


def _serving(**checks):  # noqa: ANN003, ANN202
    return health.serving("127.0.0.1", 0, checks or {"database": _answers, "temporal": _answers},
                          answer_within=ANSWER_WITHIN, read_within=READ_WITHIN)


def _raw(address: tuple[str, int], data: bytes) -> bytes:
    """What the server sends back to `data` before it closes the connection."""
    with socket.create_connection(address, timeout=10) as raw:
        try:
            raw.sendall(data)
        except OSError:
            pass  # closed before all was sent: its answer is still there to read
        return _until_closed(raw)


def _until_closed(raw: socket.socket) -> bytes:
    received = b""
    try:
        while chunk := raw.recv(4096):
            received += chunk
    except ConnectionResetError:
        pass  # closed with unread input left over
    return received


async def test_the_probes_answer_while_the_loop_runs():
    async with _serving() as (host, port), httpx.AsyncClient(base_url=f"http://{host}:{port}") as http:
        live, ready = await http.get("/healthz"), await http.get("/readyz")
        assert (live.status_code, live.json()) == (200, {"status": "ok"})
        assert (ready.status_code, ready.json()) == (200, {"status": "ready", "checks": {"database": "ok", "temporal": "ok"}})
        other = await http.get("/metrics")
        assert other.status_code == 404 and "/healthz" in other.json()["detail"]
        for method in ("POST", "PUT", "DELETE", "HEAD"):
            refused = await http.request(method, "/readyz")
            assert (refused.status_code, refused.headers["allow"]) == (405, "GET"), method
        assert "GET only" in (await http.post("/healthz")).json()["detail"]
        brewed = await http.request("BREW", "/healthz")
        assert brewed.status_code == 501 and brewed.headers["content-type"] == "application/json"


async def test_readiness_names_the_part_that_does_not_answer_or_fails_to_answer_in_time():
    async with _serving(database=_fails, temporal=_answers) as (host, port):
        ready = await asyncio.to_thread(httpx.get, f"http://{host}:{port}/readyz")
        assert (ready.status_code, ready.json()) == (503, {"status": "not ready", "checks": {"database": "down", "temporal": "ok"}})
    async with _serving(database=_answers, temporal=_hangs) as (host, port):
        started = time.monotonic()
        ready = await asyncio.to_thread(httpx.get, f"http://{host}:{port}/readyz")
        assert time.monotonic() - started < ANSWER_WITHIN + 2, "answered in the probe's time"
        assert (ready.status_code, ready.json()["checks"]) == (503, {"database": "ok", "temporal": "down"})
        assert (await asyncio.to_thread(httpx.get, f"http://{host}:{port}/healthz")).status_code == 200


async def test_a_stuck_loop_is_not_reported_alive():
    async with _serving() as (host, port):
        seen: dict[str, httpx.Response] = {}
        probe = threading.Thread(target=lambda: seen.update(live=httpx.get(f"http://{host}:{port}/healthz", timeout=10),
                                                           ready=httpx.get(f"http://{host}:{port}/readyz", timeout=10)))
        probe.start()
        time.sleep(3 * ANSWER_WITHIN + 1)  # the loop is held by blocking code, as a stuck worker's would be
        await asyncio.to_thread(probe.join, 10)
        assert seen["live"].status_code == 503 and "did not answer" in seen["live"].json()["detail"]
        assert seen["ready"].status_code == 503
        assert seen["ready"].json()["checks"] == {"database": "down", "temporal": "down"}
        again = await asyncio.to_thread(httpx.get, f"http://{host}:{port}/healthz")
        assert again.status_code == 200, "alive again once the loop runs"


async def test_a_malformed_request_is_refused_with_a_status_line():
    async with _serving() as address:
        garbage = await asyncio.to_thread(_raw, address, b"\x00\x01garbage\r\n\r\n")
        assert garbage.startswith(b"HTTP/1.1 400 Bad Request") and b'"detail": "Bad request syntax' in garbage
        future = await asyncio.to_thread(_raw, address, b"GET /healthz HTTP/2.0\r\n\r\n")
        assert future.startswith(b"HTTP/1.1 505")


async def test_an_oversize_request_head_is_refused():
    async with _serving() as address:
        headers = b"".join(b"X-Filler-%d: %s\r\n" % (n, b"a" * 100) for n in range(100))
        too_many = await asyncio.to_thread(_raw, address, b"GET /healthz HTTP/1.1\r\n" + headers + b"\r\n")
        assert too_many.startswith(b"HTTP/1.1 431") and b"at most 8192 bytes" in too_many
        long_line = await asyncio.to_thread(_raw, address, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n")
        assert long_line.startswith(b"HTTP/1.1 431")
        assert (await asyncio.to_thread(httpx.get, f"http://{address[0]}:{address[1]}/healthz")).status_code == 200


async def test_a_slow_client_is_cut_off_at_the_deadline_and_holds_nothing_meanwhile():
    async with _serving() as address:
        def drip() -> tuple[bytes, float]:
            started = time.monotonic()
            with socket.create_connection(address, timeout=10) as raw:
                try:
                    for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n":
                        raw.sendall(bytes([byte]))
                        time.sleep(0.2)
                except OSError:
                    pass  # the server has closed the connection
                return _until_closed(raw), time.monotonic() - started

        dripping = asyncio.create_task(asyncio.to_thread(drip))
        await asyncio.sleep(0.3)
        meanwhile = await asyncio.to_thread(httpx.get, f"http://{address[0]}:{address[1]}/healthz")
        received, took = await dripping
        assert meanwhile.status_code == 200
        assert received == b"" and READ_WITHIN - 0.1 < took < READ_WITHIN + 1.5, (received, took)


async def test_a_crowd_of_silent_clients_is_closed_and_the_probe_answers_again():
    async with _serving() as address:
        silent = [socket.create_connection(address, timeout=10) for _ in range(health.MAX_CONNECTIONS)]
        try:
            with socket.create_connection(address, timeout=10) as beyond:
                assert await asyncio.to_thread(_until_closed, beyond) == b"", "no slot left: closed at once"
            started = time.monotonic()
            assert [await asyncio.to_thread(_until_closed, c) for c in silent] == [b""] * len(silent)
            assert time.monotonic() - started < READ_WITHIN + 1.5
        finally:
            for connection in silent:
                connection.close()
        assert (await asyncio.to_thread(httpx.get, f"http://{address[0]}:{address[1]}/healthz")).status_code == 200


async def test_the_port_is_free_again_once_the_block_ends():
    async with _serving() as address:
        pass
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(address)


def _loaded(code: str) -> list[str]:
    shown = ("import sys; " + code + "; print(sorted({m.split('.')[0] for m in sys.modules}"
             " & {'api', 'fastapi', 'starlette', 'uvicorn'}))")
    return subprocess.run([sys.executable, "-c", shown], capture_output=True, text=True, check=True).stdout.split()


def test_the_worker_loads_neither_the_api_nor_fastapi():
    assert _loaded("import standardflow.health, workflows.worker") == ["[]"]
    assert _loaded("from standardflow.cli import worker; from standardflow import runtime") == ["[]"]
