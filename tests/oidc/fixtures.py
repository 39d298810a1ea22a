"""Real parts for the identity tests: the npm package oidc-provider run by Node.js on a free loopback
port, the app built with the settings a test asks for, and a browser that walks both.

Test modules import the fixtures they use from here."""

import os
import random
import shutil
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from api.app import Parts, create_app
from standardflow.config import Settings
from standardflow.runtime import wait_for_port

PROVIDER_DIR = Path(__file__).resolve().parent
APP_BASE = "http://testserver"
AUDIENCE = "urn:standardflow:api"
OTHER_AUDIENCE = "urn:example:another-api"
WEB_CLIENT = ("standardflow-web", "web-client-secret")
# The provider's two accounts (see provider.mjs), each in its own organisation.
TANG_YI = {"login": "tang.yi", "password": "Provider-Pass-1", "sub": "c5a1f0e2-tang-yi", "org": "SDCIA"}
QIAN_BO = {"login": "qian.bo", "password": "Provider-Pass-2", "sub": "9b7d44aa-qian-bo", "org": "PJMOB"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _install_node_packages() -> None:
    """`make test` installs them; this covers running pytest straight after a fresh clone."""
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        return
    npm = shutil.which("npm")
    assert npm, "Node.js and npm are needed for the OpenID Connect tests"
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, check=True, timeout=300)


class OidcProvider:
    """oidc-provider on 127.0.0.1. A restart keeps the port (and so the issuer) but makes a new key."""

    def __init__(self, log_path: Path) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        _install_node_packages()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                ["node", "provider.mjs", str(self.port), APP_BASE, AUDIENCE],
                cwd=PROVIDER_DIR, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "NODE_ENV": "test"},
            )
        wait_for_port("127.0.0.1", self.port, timeout=30, process=self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def put_account(self, login: str, password: str, **claims: object) -> None:
        """Add or change an account at the provider (see provider.mjs); a claim not given is not sent."""
        response = httpx.put(f"{self.issuer}/test/accounts/{login}", json={"password": password, "claims": claims})
        response.raise_for_status()


_shared: dict[str, OidcProvider | int] = {"users": 0}


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory):
    """One provider for the whole run. Each module that imports this fixture gets a session fixture of
    its own, so they share the process: two issuers would make the same account two users."""
    if not _shared["users"]:
        _shared["provider"] = OidcProvider(tmp_path_factory.mktemp("oidc") / "provider.log")
        _shared["provider"].start()
    _shared["users"] += 1
    yield _shared["provider"]
    _shared["users"] -= 1
    if not _shared["users"]:
        _shared.pop("provider").stop()


@dataclass
class RunningApp:
    app: FastAPI
    settings: Settings
    server_errors: list[str] = field(default_factory=list)
    # Each app gets its own client address, so one test's failed logins never count against another's.
    address: str = field(default_factory=lambda: "127." + ".".join(str(random.randint(1, 250)) for _ in range(3)))

    def client(self, address: str | None = None) -> httpx.AsyncClient:
        async def record(response: httpx.Response) -> None:
            if response.status_code >= 500:
                request = response.request
                self.server_errors.append(f"{request.method} {request.url} -> {response.status_code}")

        transport = httpx.ASGITransport(
            app=self.app, raise_app_exceptions=False, client=(address or self.address, 40000)
        )
        return httpx.AsyncClient(transport=transport, base_url=APP_BASE, event_hooks={"response": [record]})


AppFactory = Callable[..., AbstractAsyncContextManager[RunningApp]]


@pytest.fixture
def identity_app(engine, temporal_client, tmp_path: Path) -> AppFactory:
    """`async with identity_app(**settings) as running:` the app on the test database, with those settings."""

    @asynccontextmanager
    async def running(**overrides) -> AsyncIterator[RunningApp]:
        settings = Settings(**{
            "var_dir": tmp_path, "task_queue": f"sf-id-{uuid.uuid4().hex[:8]}", "temporal_address": "in-test",
            "public_base_url": APP_BASE, "session_secret": "test-secret", **overrides,
        })
        app = create_app(settings, Parts(engine=engine, temporal=temporal_client))
        async with app.router.lifespan_context(app):
            result = RunningApp(app=app, settings=settings)
            yield result
        assert result.server_errors == [], f"the app answered with server errors: {result.server_errors}"

    return running


def oidc_settings(provider: OidcProvider, **overrides) -> dict:
    """The app's settings for the test provider: web client, API audience, roles from the groups claim."""
    return {
        "oidc_issuer": provider.issuer, "oidc_client_id": WEB_CLIENT[0], "oidc_client_secret": WEB_CLIENT[1],
        "oidc_scopes": "openid profile email groups", "oidc_audience": AUDIENCE, "oidc_groups_claim": "groups",
        "oidc_groups_allowed": "*:*",
        "oidc_display_name": "Test IdP", "oidc_leeway_seconds": 0, "oidc_jwks_min_refresh_seconds": 0,
        **overrides,
    }
