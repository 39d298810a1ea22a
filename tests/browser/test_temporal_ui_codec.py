"""Temporal's own web UI, wired as `standardflow dev` wires it (`--ui-codec-endpoint` at the API), shows
a workflow's history readable to a platform admin signed in to StandardFlow in the same browser once
the UI's codec setting includes cross-origin credentials; without that setting, or to a committee
secretary, it shows the payloads encrypted. (tests/api/test_codec_endpoint.py runs a project through
the pipeline and reads its history with the CLI; here the UI reads a workflow StandardFlow's client
started, which no worker runs.)"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, Page
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from api.app import Parts, create_app
from api.routes.codec import CODEC_PATH
from services.demo import DEMO_PASSWORD
from standardflow.config import Settings
from tests.browser.conftest import screenshot
from tests.conftest import BIN
from tests.oidc.fixtures import free_port
from tests.payload_keys import CONVERTER, PAYLOAD_KEYS

pytestmark = pytest.mark.timeout(240)


@dataclass
class UiAndApp:
    base_url: str
    ui_url: str
    client: Client


@pytest.fixture
async def ui_and_app(engine, tmp_path: Path) -> AsyncIterator[UiAndApp]:
    """A dev server with its UI told the app's codec endpoint, and the app served on a loopback port."""
    port, ui_port = free_port(), free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"), data_converter=CONVERTER, ui=True, ui_port=ui_port,
        dev_server_extra_args=["--log-level", "error", "--ui-codec-endpoint", base_url + CODEC_PATH],
    )
    settings = Settings(
        var_dir=tmp_path, temporal_address="in-test", public_base_url=base_url, session_secret="test-secret",
        payload_keys=PAYLOAD_KEYS, temporal_ui_port=ui_port,
    )
    app = create_app(settings, Parts(engine=engine, temporal=env.client))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not serving.done(), "uvicorn stopped before it started"
            await asyncio.sleep(0.05)
        yield UiAndApp(base_url, f"http://127.0.0.1:{ui_port}", env.client)
    finally:
        server.should_exit = True
        await serving
        await env.shutdown()


async def test_the_temporal_ui_shows_the_history_to_a_signed_in_platform_admin_only(
    ui_and_app: UiAndApp, browser: Browser, database_url: str
):
    remark = f"Screening remark {uuid.uuid4().hex[:10]}"
    workflow_id = f"project-{uuid.uuid4()}"
    handle = await ui_and_app.client.start_workflow(
        "ProjectWorkflow", {"decision": "accept", "comment": remark}, id=workflow_id, task_queue=f"idle-{workflow_id}")
    history = f"{ui_and_app.ui_url}/namespaces/default/workflows/{workflow_id}/{handle.result_run_id}/history"
    database = "sqlite" if database_url.startswith("sqlite") else "postgresql"

    admin = await _signed_in(browser, ui_and_app, "admin", include_credentials=True)
    await admin.goto(history)
    await _shows(admin, f'"comment": "{remark}"')  # the workflow's input, decoded
    await screenshot(admin, f"temporal-ui-decoded-{database}")

    # Without the setting the browser sends no cookie; a secretary's cookie opens nothing either.
    for username, include in (("admin", False), ("wang.fang", True)):
        page = await _signed_in(browser, ui_and_app, username, include_credentials=include)
        await page.goto(history)
        await _shows(page, "Codec Server could not connect")  # and the input is ciphertext
        assert remark not in await page.inner_text("body")
        await page.context.close()
    await admin.context.close()


async def _signed_in(browser: Browser, running: UiAndApp, username: str, include_credentials: bool) -> Page:
    """A browser signed in to StandardFlow, whose Temporal UI uses its own codec setting: the endpoint
    the dev server names, with or without "Include cross-origin credentials" (the keys the UI's Codec
    Server dialog writes)."""
    page = await (await browser.new_context()).new_page()
    await page.goto(f"{running.base_url}/login?lang=en")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", DEMO_PASSWORD)
    await page.click("form[action='/login'] button[type=submit]")
    await page.wait_for_url(f"{running.base_url}/inbox")
    await page.goto(f"{running.ui_url}/namespaces/default/workflows")
    await page.evaluate("""([endpoint, include]) => {
        localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
        localStorage.setItem('endpoint', JSON.stringify(endpoint));
        localStorage.setItem('includeCredentials', JSON.stringify(include));
    }""", [running.base_url + CODEC_PATH, include_credentials])
    return page


async def _shows(page: Page, text: str, seconds: float = 30) -> None:
    for _ in range(int(seconds * 4)):
        if text in await page.inner_text("body"):
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"{text!r} did not appear on {page.url}")
