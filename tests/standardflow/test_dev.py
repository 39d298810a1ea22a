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
