"""`standardflow dev`, the README's first command, brings everything up and Ctrl-C brings it down."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from services.demo import DEMO_PASSWORD


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_line(process: subprocess.Popen, text: str, timeout: float) -> str:
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if text in line:
            return "".join(seen)
    raise AssertionError(f"{text!r} did not appear; output was:\n{''.join(seen)}")


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.timeout(240)
def test_dev_runs_everything_and_stops_cleanly(tmp_path: Path):
    api_port, temporal_port, ui_port = _free_port(), _free_port(), _free_port()
    env = {
        **os.environ,
        "STANDARDFLOW_VAR_DIR": str(tmp_path / "var"),
        "STANDARDFLOW_API_PORT": str(api_port),
        "STANDARDFLOW_TEMPORAL_PORT": str(temporal_port),
        "STANDARDFLOW_TEMPORAL_UI_PORT": str(ui_port),
        "STANDARDFLOW_PUBLIC_BASE_URL": f"http://127.0.0.1:{api_port}",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("STANDARDFLOW_TEMPORAL_ADDRESS", None)
    env.pop("STANDARDFLOW_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "standardflow", "dev"], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        # As from a script's background (`make run &`): SIGINT arrives ignored, and Ctrl-C must still work.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # noqa: PLW1509 - no threads yet
    )
    try:
        output = _wait_for_line(process, "Ctrl-C stops everything", timeout=150)
        # Keep reading, as a terminal does: the worker and the API log into the same pipe, and a full
        # pipe would stop whoever writes next, the shutdown included.
        later: list[str] = []
        threading.Thread(target=lambda: later.extend(process.stdout), daemon=True).start()
        assert f"http://127.0.0.1:{api_port}/docs" in output
        assert f"Temporal UI: http://127.0.0.1:{ui_port}" in output
        assert "li.wei" in output and "wang.fang" in output

        base = f"http://127.0.0.1:{api_port}"
        assert httpx.get(f"{base}/readyz").json() == {
            "status": "ready", "checks": {"database": "ok", "temporal": "ok"}}
        token = httpx.post(f"{base}/api/v1/auth/token", data={"username": "li.wei", "password": DEMO_PASSWORD})
        assert token.status_code == 200
        me = httpx.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
        assert me.json()["username"] == "li.wei"
        assert [m["org_code"] for m in me.json()["memberships"]] == ["PJMOB"]
        assert httpx.get(f"http://127.0.0.1:{ui_port}/").status_code == 200
        _the_ui_reads_payloads_through_the_api(base, ui_port)
        assert (tmp_path / "var" / "temporal.db").exists()

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0, "".join(later)
        assert not _port_open(api_port) and not _port_open(temporal_port)
    finally:
        if process.poll() is None:
            process.kill()


def _the_ui_reads_payloads_through_the_api(base: str, ui_port: int) -> None:
    """The embedded UI is told the API's codec endpoint, which answers its origin's preflight and
    opens for the platform admin what it sealed."""
    endpoint = httpx.get(f"http://127.0.0.1:{ui_port}/api/v1/settings").json()["Codec"]["Endpoint"]
    assert endpoint == f"{base}/api/v1/temporal-codec"
    ui_origin = f"http://127.0.0.1:{ui_port}"
    preflight = httpx.options(f"{endpoint}/decode", headers={
        "Origin": ui_origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-namespace"})
    assert preflight.headers["access-control-allow-origin"] == ui_origin
    token = httpx.post(f"{base}/api/v1/auth/token", data={"username": "admin", "password": DEMO_PASSWORD})
    admin = {"Authorization": f"Bearer {token.json()['access_token']}"}
    plain = {"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "InNlY3JldCI="}  # json/plain, "secret"
    sealed = httpx.post(f"{endpoint}/encode", json={"payloads": [plain]}, headers=admin).json()
    assert sealed["payloads"][0]["data"] != plain["data"]
    assert httpx.post(f"{endpoint}/decode", json=sealed, headers=admin).json() == {"payloads": [plain]}


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has stopped; only its parent's wait is missing


def _started(tmp_path: Path) -> tuple[subprocess.Popen, dict[str, int], str, list[str]]:
    """`standardflow dev` on ports of its own, its public address left to follow the API's port, up and
    announced; with what it printed so far and a list that keeps what it prints later."""
    ports = {"api": _free_port(), "temporal": _free_port(), "ui": _free_port()}
    env = {
        **os.environ, "STANDARDFLOW_VAR_DIR": str(tmp_path / "var"), "STANDARDFLOW_API_PORT": str(ports["api"]),
        "STANDARDFLOW_TEMPORAL_PORT": str(ports["temporal"]), "STANDARDFLOW_TEMPORAL_UI_PORT": str(ports["ui"]),
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("STANDARDFLOW_TEMPORAL_ADDRESS", "STANDARDFLOW_DATABASE_URL", "STANDARDFLOW_PUBLIC_BASE_URL"):
        env.pop(name, None)
    process = subprocess.Popen([sys.executable, "-m", "standardflow", "dev"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = _wait_for_line(process, "Ctrl-C stops everything", timeout=150)
    later: list[str] = []
    threading.Thread(target=lambda: later.extend(process.stdout), daemon=True).start()
    return process, ports, output, later


def _gone_within(pids: list[int], ports: dict[str, int], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (any(map(_alive, pids)) or any(map(_port_open, ports.values()))):
        time.sleep(0.2)
    assert [pid for pid in pids if _alive(pid)] == []
    assert {name: port for name, port in ports.items() if _port_open(port)} == {}


@pytest.mark.timeout(240)
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_dev_stops_everything_on_a_process_managers_signal(tmp_path: Path, stop: signal.Signals):
    process, ports, output, later = _started(tmp_path)
    try:
        children = _children(process.pid)
        assert len(children) == 3, children  # the Temporal dev server, the worker and the API
        # The banner names where the API actually listens, and the Temporal UI's codec goes there too.
        base = f"http://127.0.0.1:{ports['api']}"
        assert f"app:         {base}/" in output and f"API docs:    {base}/docs" in output
        _the_ui_reads_payloads_through_the_api(base, ports["ui"])

        process.send_signal(stop)
        assert process.wait(timeout=60) == 0, "".join(later)
        _gone_within(children, ports, seconds=5)
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.timeout(240)
def test_what_dev_started_stops_when_dev_is_killed(tmp_path: Path):
    process, ports, _, later = _started(tmp_path)
    children = _children(process.pid)
    assert len(children) == 3, children

    process.kill()  # SIGKILL: dev has no say in it
    process.wait(timeout=10)

    try:
        _gone_within(children, ports, seconds=30)
    finally:
        for pid in children:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
