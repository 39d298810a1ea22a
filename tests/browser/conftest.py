"""A real browser against the real app: the app served by uvicorn on a free loopback port (with the
worker on the Temporal dev server, as in the other tests), and Debian's Chromium driven by Playwright.
`make test` installs Chromium and the Chinese fonts; `playwright install` is never needed."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from api.app import Parts, create_app
from services.db import session_factory
from standardflow.config import Settings
from tests.conftest import running_worker
from tests.oidc.fixtures import free_port
from tests.payload_keys import PAYLOAD_KEYS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# The one folder for every browser test's screenshots (git-ignored), where CI collects them.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@dataclass
class ServedApp:
    base_url: str
    database: str  # "sqlite" or "postgresql", for the names of screenshots
    settings: Settings  # the app's own: a test may shorten its policy calendar before proposing
    server_errors: list[str] = field(default_factory=list)


class _ErrorRecorder:
    """Notes every response of 500 or more, as the httpx stack does for the other tests."""

    def __init__(self, app, errors: list[str]) -> None:  # noqa: ANN001 - an ASGI app
        self.app, self.errors = app, errors

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001 - ASGI
        async def noting(message: dict) -> None:
            if message["type"] == "http.response.start" and message["status"] >= 500:
                self.errors.append(f"{scope['method']} {scope['path']} -> {message['status']}")
            await send(message)

        await self.app(scope, receive, noting if scope["type"] == "http" else send)


# Every page of the context reports what its Content-Security-Policy blocked, whatever page it was.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (event) =>
    window.reportViolation(`${location.pathname}: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
        + ` at ${event.sourceFile}:${event.lineNumber}`));"""


async def watched(context: BrowserContext) -> BrowserContext:
    """The context notes the policy's refusals in context.violations, from the browser's own event and
    from its console ("Refused to ... because it violates the following Content Security Policy")."""
    violations: list[str] = []

    def note(text: str) -> None:
        violations.append(text)

    await context.expose_function("reportViolation", note)
    await context.add_init_script(REPORT_VIOLATIONS)
    context.on("console", lambda message: note(message.text) if "Content Security Policy" in message.text else None)
    context.violations = violations
    return context


async def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    """The whole page (or what the window shows) as test-artifacts/screenshots/<name>.png; the name says
    what and at which width, e.g. "inbox-secretary-sqlite-390"."""
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=path, full_page=full_page)
    return path


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
async def served_app(engine, database_url: str, temporal_client, tmp_path: Path) -> AsyncIterator[ServedApp]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = Settings(
        var_dir=tmp_path, task_queue=f"sf-web-{uuid.uuid4().hex[:8]}", temporal_address="in-test",
        public_base_url=base_url, session_secret="test-secret", payload_keys=PAYLOAD_KEYS,
    )
    served = ServedApp(base_url, "sqlite" if database_url.startswith("sqlite") else "postgresql", settings)
    app = _ErrorRecorder(create_app(settings, Parts(engine=engine, temporal=temporal_client)), served.server_errors)
    async with running_worker(temporal_client, settings, session_factory(engine)):
        # An inbox page left open holds its event stream open: cut it when the test is over.
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
                                               timeout_graceful_shutdown=1))
        serving = asyncio.create_task(server.serve())
        while not server.started:
            assert not serving.done(), "uvicorn stopped before it started"
            await asyncio.sleep(0.05)
        yield served
        server.should_exit = True
        await serving
    assert served.server_errors == [], f"the app answered with server errors: {served.server_errors}"
