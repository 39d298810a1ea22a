"""The outbox over HTTP: who is told of a task, reading and paging notices, and mailing them
through a real SMTP server on loopback."""

import asyncio
import email
import email.policy
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiosmtpd.controller import Controller

from api.app import Parts, create_app
from services.db import session_factory
from standardflow.config import Settings
from tests.conftest import Stack
from tests.helpers import PROPOSAL, create_proposal, inbox
from workflows.worker import build_worker


async def notices(stack, headers: dict, **params) -> dict:
    response = await stack.http.get("/api/v1/notifications", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def project_notices(stack, headers: dict, project_id: str, count: int) -> list[dict]:
    """The project's notices once `count` have come: the workflow writes them just after a task opens."""
    for _ in range(100):
        items = (await notices(stack, headers, project_id=project_id))["items"]
        if len(items) >= count:
            return items
        await asyncio.sleep(0.1)
    raise AssertionError(f"expected {count} notices, have {items}")


async def submit(stack, proposer: dict) -> str:
    pid = (await create_proposal(stack.http, proposer))["id"]
    response = await stack.http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)
    assert response.status_code == 200, response.text
    return pid


async def test_a_task_is_announced_to_the_people_it_is_offered_or_assigned_to(stack):
    http = stack.http
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    pid = await submit(stack, proposer)
    [screening] = await inbox(http, secretary, pid)
    [notice] = await project_notices(stack, secretary, pid, 1)
    assert (notice["kind"], notice["task_id"], notice["project_id"]) == ("assigned", screening["id"], pid)
    assert notice["subject_zh"] == f"新任务：立项初审 — {PROPOSAL['title_zh']}"
    assert notice["subject_en"] == f"New task: Screen the proposal — {PROPOSAL['title_en']}"
    # The body is in the reader's language (Chinese until they choose), times in the deployment's zone.
    due = datetime.fromisoformat(screening["due_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"期限：{due:%Y-%m-%d %H:%M} (Asia/Shanghai)" in notice["body"]
    assert f"查看：/tasks/{screening['id']}" in notice["body"] and "/api/v1" not in notice["body"]
    assert (notice["read_at"], notice["sent_at"]) == (None, None)
    assert (await notices(stack, proposer, project_id=pid))["items"] == []

    returned = await http.post(f"/api/v1/tasks/{screening['id']}/complete",
                               json={"decision": "return", "reasons": "Name the data sets."}, headers=secretary)
    assert returned.status_code == 200, returned.text
    told = {n["kind"]: n for n in await project_notices(stack, proposer, pid, 2)}
    assert sorted(told) == ["assigned", "outcome"]
    assert told["assigned"]["subject_en"].startswith("New task: Revise the proposal")
    returned_notice = told["outcome"]
    assert returned_notice["subject_zh"] == f"立项申请被退回修改 — {PROPOSAL['title_zh']}"
    assert "理由：Name the data sets." in returned_notice["body"] and returned_notice["task_id"] is None
    assert f"查看：/projects/{pid}" in returned_notice["body"]
    assert len((await notices(stack, secretary, project_id=pid))["items"]) == 1


async def test_reading_and_paging_your_notifications(stack):
    http = stack.http
    proposer, secretary, other = await stack.login("li.wei"), await stack.login("wang.fang"), await stack.login("chen.jie")
    first, second = await submit(stack, proposer), await submit(stack, proposer)
    [older] = await project_notices(stack, secretary, first, 1)
    [newer] = await project_notices(stack, secretary, second, 1)

    page = await notices(stack, secretary, limit=1)
    assert [n["id"] for n in page["items"]] == [newer["id"]] and page["next_cursor"]
    following = await notices(stack, secretary, limit=1, cursor=page["next_cursor"])
    assert [n["id"] for n in following["items"]] == [older["id"]]
    unread_before = page["unread"]

    read = await http.post(f"/api/v1/notifications/{newer['id']}/read", headers=secretary)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    again = await http.post(f"/api/v1/notifications/{newer['id']}/read", headers=secretary)
    assert again.json()["read_at"] == read.json()["read_at"]
    unread = await notices(stack, secretary, unread="true")
    assert unread["unread"] == unread_before - 1
    assert newer["id"] not in [n["id"] for n in unread["items"]] and older["id"] in [n["id"] for n in unread["items"]]

    assert (await http.post(f"/api/v1/notifications/{older['id']}/read", headers=other)).status_code == 404
    assert (await http.post(f"/api/v1/notifications/{uuid.uuid4()}/read", headers=secretary)).status_code == 404
    assert (await notices(stack, other, project_id=first))["items"] == []
    bad = await http.get("/api/v1/notifications", params={"cursor": "not-a-cursor"}, headers=secretary)
    assert bad.status_code == 422 and bad.json()["field"] == "cursor"
    assert (await http.get("/api/v1/notifications", params={"limit": 0}, headers=secretary)).status_code == 422
    assert (await http.get("/api/v1/notifications")).status_code == 401


class Mailbox:
    """An SMTP server's handler that keeps what it receives, after refusing the first few messages."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001 - aiosmtpd's hook
        if self.refusals:
            self.refusals -= 1
            return "451 4.3.0 Try again later"
        self.received.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox(refusals=1)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@asynccontextmanager
async def mailing(engine, temporal_client, tmp_path, smtp_port: int, **settings_values) -> AsyncIterator[Stack]:
    """The app and a worker that mail notifications through the loopback SMTP server on `smtp_port`."""
    settings = Settings(var_dir=tmp_path, task_queue=f"sf-mail-{uuid.uuid4().hex[:8]}", temporal_address="in-test",
                        public_base_url="http://testserver", session_secret="test-secret",
                        smtp_host="127.0.0.1", smtp_port=smtp_port, **settings_values)
    app = create_app(settings, Parts(engine=engine, temporal=temporal_client))
    worker = build_worker(temporal_client, settings.task_queue, session_factory(engine),
                          decision_keys=settings.key_ring("decision"), mail=settings.mail,
                          site=settings.notice_site)
    async with worker, app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield Stack(http=http, settings=settings, worker=worker, server_errors=[])


@pytest.fixture
async def mail_stack(engine, temporal_client, tmp_path, smtp_server):
    async with mailing(engine, temporal_client, tmp_path, smtp_server[1]) as stack:
        yield stack


async def test_notices_are_mailed_in_chinese_until_one_chooses_and_retried(mail_stack, smtp_server):
    mailbox, _ = smtp_server
    secretary = await mail_stack.login("wang.fang")
    pid = await submit(mail_stack, await mail_stack.login("li.wei"))
    for _ in range(150):
        if mailbox.received:
            break
        await asyncio.sleep(0.1)
    [(recipients, message)] = mailbox.received
    assert mailbox.refusals == 0  # the first delivery was refused; the activity's retry delivered it
    assert recipients == ["wang.fang@demo.standardflow.example"]
    assert message["Subject"] == f"新任务：立项初审 — {PROPOSAL['title_zh']}"
    assert message["To"].addresses[0].display_name == "王芳"
    assert PROPOSAL["title_zh"] in message.get_content()
    assert "查看：http://testserver/tasks/" in message.get_content()  # a page, with the site's address

    for _ in range(50):
        [notice] = await project_notices(mail_stack, secretary, pid, 1)
        if notice["sent_at"]:
            break
        await asyncio.sleep(0.1)
    assert notice["sent_at"] is not None
