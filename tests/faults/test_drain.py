"""A worker told to stop (SIGTERM, as a process manager or `docker stop` does) lets the activity under
way finish within its grace: the mail being sent goes out, and the worker exits cleanly."""

import asyncio
import os
import signal
import socket
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller

from tests.faults.conftest import Processes
from tests.helpers import PROPOSAL
from tests.services.draft_samples import pdf

pytestmark = pytest.mark.timeout(240)

SENDING_S = 4.0  # how long the mail server takes to accept a message


class SlowMailbox:
    """An SMTP server that takes SENDING_S to accept each message, and says when one has begun."""

    def __init__(self) -> None:
        self.receiving = threading.Event()
        self.received: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001 - aiosmtpd's hook
        self.receiving.set()
        await asyncio.sleep(SENDING_S)
        self.received.append(envelope.rcpt_tos)
        return "250 OK"


@dataclass
class MailingProcesses(Processes):
    extra: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        return {**super().env(), **self.extra}


@pytest.fixture
def mailing(tmp_path: Path) -> Iterator[tuple[MailingProcesses, SlowMailbox]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = SlowMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    parts = MailingProcesses(var_dir=var_dir, database_url=f"sqlite:///{var_dir / 'standardflow.db'}", extra={
        "STANDARDFLOW_SMTP_HOST": "127.0.0.1", "STANDARDFLOW_SMTP_PORT": str(port),
        "STANDARDFLOW_WORKER_GRACE_SECONDS": "20"})
    try:
        parts.start("temporal")
        seeded = parts.command("seed-demo")
        assert seeded.returncode == 0, seeded.stderr
        parts.start("worker")
        parts.start("api")
        yield parts, mailbox
    finally:
        parts.stop_all()
        controller.stop()


async def _proposal(http: httpx.AsyncClient) -> tuple[dict[str, str], dict]:
    """li.wei signed in, and a proposal of theirs to the committee SDCIA-TC01, not yet submitted."""
    token = (await http.post("/api/v1/auth/token", data={"username": "li.wei", "password": "Shanghai-2026"})).json()
    proposer = {"Authorization": f"Bearer {token['access_token']}"}
    committees = (await http.get("/api/v1/committees", headers=proposer)).json()
    body = {**PROPOSAL, "committee_id": next(c["id"] for c in committees if c["code"] == "SDCIA-TC01")}
    return proposer, (await http.post("/api/v1/projects", json=body, headers=proposer)).json()


async def test_a_stopping_worker_finishes_sending_the_mail_it_is_sending(mailing):
    parts, mailbox = mailing
    async with httpx.AsyncClient(base_url=parts.base_url, timeout=60) as http:
        proposer, project = await _proposal(http)
        submitted = await http.post(f"/api/v1/projects/{project['id']}/submit", headers=proposer)
        assert submitted.status_code == 200, submitted.text

    # The screening task's notice to the secretary is being mailed: stop the worker mid-send.
    assert await asyncio.to_thread(mailbox.receiving.wait, 60), parts.log("worker")
    worker = parts.running.pop("worker")
    os.killpg(worker.pid, signal.SIGTERM)
    code = await asyncio.to_thread(worker.wait, 30)

    assert code == 0, parts.log("worker")
    assert mailbox.received == [["wang.fang@demo.standardflow.example"]], parts.log("worker")
    # The activity saw the server accept it and recorded the notice as sent, before the worker went.
    with sqlite3.connect(parts.var_dir / "standardflow.db") as db:
        sent = db.execute("SELECT sent_at FROM notification WHERE kind = 'assigned'").fetchall()
    assert len(sent) == 1 and sent[0][0] is not None, parts.log("worker")


@pytest.fixture
def api_alone(tmp_path: Path) -> Iterator[Processes]:
    """Temporal and the API, on SQLite: what an upload touches."""
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    parts = Processes(var_dir=var_dir, database_url=f"sqlite:///{var_dir / 'standardflow.db'}")
    try:
        parts.start("temporal")
        seeded = parts.command("seed-demo")
        assert seeded.returncode == 0, seeded.stderr
        parts.start("api")
        yield parts
    finally:
        parts.stop_all()


async def test_a_stopping_api_finishes_the_upload_under_way_and_takes_no_new_request(api_alone):
    """An engineer's draft is half sent when the API is told to stop (a rolling update): the upload
    completes and is stored; a request after the stop finds nobody listening."""
    parts = api_alone
    draft = pdf()
    boundary = "standardflow-drain-test"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="label"\r\n\r\ndiscussion\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="draft.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n").encode() + draft[:len(draft) // 2]
    tail = draft[len(draft) // 2:] + f"\r\n--{boundary}--\r\n".encode()
    half_sent = asyncio.Event()

    async def slowly() -> AsyncIterator[bytes]:
        yield head
        half_sent.set()
        await asyncio.sleep(1.5)  # the API is told to stop meanwhile
        yield tail

    async with httpx.AsyncClient(base_url=parts.base_url, timeout=60) as http:
        proposer, project = await _proposal(http)
        upload = asyncio.create_task(http.post(
            f"/api/v1/projects/{project['id']}/drafts", content=slowly(),
            headers={**proposer, "Content-Type": f"multipart/form-data; boundary={boundary}",
                     "Content-Length": str(len(head) + len(tail))}))
        await half_sent.wait()
        await asyncio.sleep(0.3)
        api = parts.running.pop("api")
        os.killpg(api.pid, signal.SIGTERM)

        uploaded = await upload
        code = await asyncio.to_thread(api.wait, 30)

    assert uploaded.status_code == 201, uploaded.text + parts.log("api")
    assert uploaded.json()["size"] == len(draft), parts.log("api")
    # uvicorn ends by raising the signal it was stopped with again, once its shutdown is complete.
    assert code in (0, -signal.SIGTERM) and "Application shutdown complete" in parts.log("api"), parts.log("api")
    with sqlite3.connect(parts.var_dir / "standardflow.db") as db:
        assert db.execute("SELECT count(*) FROM draft_version").fetchone()[0] == 1
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient(base_url=parts.base_url, timeout=5) as http:
            await http.get("/healthz")
