"""Password sign-in after failures: an attacker's wrong passwords make only the attacker's address wait,
with a delay that doubles (429, Retry-After, words saying how long); the owner signs in from
elsewhere all along. One address spraying many accounts waits too, and an X-Forwarded-For header
moves no one to a fresh address unless it comes from a trusted proxy."""

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn

from api.app import Parts, create_app
from services.demo import DEMO_PASSWORD
from standardflow.config import Settings
from standardflow.runtime import server_options
from tests.api.test_web_login import STRONG, _sign_in, _throwaway_account
from tests.oidc.fixtures import free_port, identity_app  # noqa: F401 - fixture

TOKEN = "/api/v1/auth/token"
WRONG = "Wrong-Guess-1"
# Three free failures, then a minute: no test waits for it. A test that does wait sets 2 s.
SLOW = {"login_failures_before_delay": 3, "login_first_delay_seconds": 60, "login_max_delay_seconds": 600}
QUICK = {**SLOW, "login_first_delay_seconds": 2, "login_max_delay_seconds": 8}


def _address() -> str:
    """An address of the test's own: the failures of one test never count against another's."""
    return "127." + ".".join(str(random.randint(1, 250)) for _ in range(3))


async def _token(http: httpx.AsyncClient, username: str, password: str, **headers: str) -> httpx.Response:
    return await http.post(TOKEN, data={"username": username, "password": password}, headers=headers)


async def _fail(http: httpx.AsyncClient, username: str, times: int, **headers: str) -> None:
    for _ in range(times):
        failed = await _token(http, username, WRONG, **headers)
        assert failed.status_code == 401, failed.text


def _wait(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    return int(response.headers["retry-after"])


async def test_an_attackers_failures_do_not_stop_the_secretary_signing_in_from_elsewhere(identity_app, sessions):
    secretary = await _throwaway_account(sessions)
    async with identity_app(**{**SLOW, "login_failures_before_delay": 5}) as running:
        async with running.client(_address()) as attacker:
            await _fail(attacker, secretary, 4)
            failed = await _sign_in(attacker, secretary, WRONG)
            assert failed.status_code == 401
            refused = await _sign_in(attacker, secretary, STRONG)
            assert _wait(refused) > 50, "the attacker's address waits, even with the right password"
            assert "data-role" not in (await attacker.get("/account", follow_redirects=True)).text
            assert _wait(await _token(attacker, secretary, STRONG)) > 50
        async with running.client(_address()) as browser:
            signed_in = await _sign_in(browser, secretary, STRONG)
            assert signed_in.status_code == 303 and signed_in.headers["location"] == "/inbox"
            assert (await browser.get("/api/v1/me")).json()["username"] == secretary
        async with running.client(_address()) as script:
            token = await _token(script, secretary, STRONG)
            assert token.status_code == 200 and token.json()["access_token"]


async def test_the_attackers_address_waits_longer_after_each_failure_then_the_right_password_works(
    identity_app, sessions,
):
    username = await _throwaway_account(sessions)
    async with identity_app(**QUICK) as running, running.client(_address()) as http:
        await _fail(http, username, 3)
        first = await _token(http, username, WRONG)
        assert _wait(first) in (1, 2)
        assert first.json()["detail"] == (
            f"too many failed sign-ins at this account from your address: wait {_wait(first)} "
            f"second{'s' if _wait(first) > 1 else ''} and try again")
        await asyncio.sleep(_wait(first))
        await _fail(http, username, 1)
        await http.get("/login?lang=en")
        page = await _sign_in(http, username, STRONG)
        assert _wait(page) in (3, 4), "twice as long after the next failure"
        assert f"Too many failed sign-ins: wait {_wait(page)} seconds and try again." in page.text
        await asyncio.sleep(_wait(page))
        assert (await _token(http, username, STRONG)).status_code == 200, "waiting as told is enough"
        other = await _token(http, "li.wei", DEMO_PASSWORD)
        assert other.status_code == 200, "another account from the same address is not held up"


async def test_a_long_wait_is_said_in_minutes_and_never_passes_the_longest_delay(identity_app, sessions):
    username = await _throwaway_account(sessions)
    settings = {"login_failures_before_delay": 1, "login_first_delay_seconds": 600, "login_max_delay_seconds": 150}
    async with identity_app(**settings) as running, running.client(_address()) as http:
        await _fail(http, username, 1)
        refused = await _token(http, username, STRONG)
        assert 140 < _wait(refused) <= 150
        assert refused.json()["detail"].endswith("wait 3 minutes and try again")
        await http.get("/login?lang=zh")
        page = await _sign_in(http, username, STRONG)
        assert page.status_code == 429 and "登录失败次数过多，请 3 分钟后再试。" in page.text


async def test_spraying_many_accounts_from_one_address_waits(identity_app, sessions):
    username = await _throwaway_account(sessions)
    async with identity_app(**QUICK, login_max_failures_per_address=4) as running:
        async with running.client(_address()) as sprayer:
            for n in range(4):
                assert (await _token(sprayer, f"nobody.{uuid.uuid4().hex[:8]}.{n}", "x")).status_code == 401
            refused = await _token(sprayer, username, STRONG)
            assert _wait(refused) in (1, 2) and "from your address" in refused.json()["detail"]
            async with running.client(_address()) as elsewhere:
                assert (await _token(elsewhere, username, STRONG)).status_code == 200
            await asyncio.sleep(_wait(refused))
            assert (await _token(sprayer, username, STRONG)).status_code == 200
            await _fail(sprayer, f"nobody.{uuid.uuid4().hex[:8]}", 1)
            again = await _token(sprayer, username, STRONG)
            assert _wait(again) in (3, 4), "a success forgives the address nothing at the other accounts"


async def test_an_account_failed_at_from_many_addresses_slows_each_new_one_but_refuses_none(identity_app, sessions):
    username = await _throwaway_account(sessions)
    async with identity_app(**SLOW, login_max_failures_per_account=4) as running:
        for _ in range(2):
            async with running.client(_address()) as bot:
                await _fail(bot, username, 2)
        async with running.client(_address()) as owner:
            await _fail(owner, username, 1)
            assert _wait(await _token(owner, username, STRONG)) > 50, "one failure, then the wait"
        async with running.client(_address()) as fresh:
            assert (await _token(fresh, username, STRONG)).status_code == 200, "a first try goes through at once"


async def test_guesses_sent_at_once_are_counted_against_each_other(identity_app, sessions):
    username = await _throwaway_account(sessions)
    async with identity_app(**SLOW) as running, running.client(_address()) as http:
        answers = await asyncio.gather(*(_token(http, username, WRONG) for _ in range(10)))
    assert sorted(answer.status_code for answer in answers) == [401] * 3 + [429] * 7


@asynccontextmanager
async def _served(engine, temporal_client, tmp_path, **overrides) -> AsyncIterator[str]:  # noqa: ANN001
    """The app behind uvicorn on a loopback port, served as `standardflow api` serves it."""
    settings = Settings(
        var_dir=tmp_path, task_queue=f"sf-xff-{uuid.uuid4().hex[:8]}", temporal_address="in-test",
        session_secret="test-secret", api_port=free_port(), **SLOW, **overrides,
    )
    app = create_app(settings, Parts(engine=engine, temporal=temporal_client))
    options = {**server_options(settings), "log_level": "warning", "lifespan": "on"}
    server = uvicorn.Server(uvicorn.Config(app, **options))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), "uvicorn stopped before it started"
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{settings.api_port}"
    finally:
        server.should_exit = True
        await serving


async def test_x_forwarded_for_moves_no_one_to_a_fresh_address_unless_the_proxy_is_trusted(
    engine, temporal_client, tmp_path, sessions,
):
    username = await _throwaway_account(sessions)
    async with _served(engine, temporal_client, tmp_path) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        for n in range(3):
            await _fail(http, username, 1, **{"X-Forwarded-For": f"203.0.113.{n}"})
        disguised = await _token(http, username, STRONG, **{"X-Forwarded-For": "203.0.113.99"})
        assert disguised.status_code == 429, "every guess counted against the address that sent it"

    username = await _throwaway_account(sessions)
    async with _served(engine, temporal_client, tmp_path, trusted_proxies="127.0.0.1") as base_url, \
            httpx.AsyncClient(base_url=base_url) as proxy:
        await _fail(proxy, username, 3, **{"X-Forwarded-For": "203.0.113.7"})
        attacker = await _token(proxy, username, STRONG, **{"X-Forwarded-For": "203.0.113.7"})
        assert attacker.status_code == 429
        owner = await _token(proxy, username, STRONG, **{"X-Forwarded-For": "198.51.100.20"})
        assert owner.status_code == 200, "behind a trusted proxy, each client is its own address"
