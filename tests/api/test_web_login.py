"""The browser side with built-in accounts: the sign-in page in two languages, the session cookie,
CSRF on every state-changing request made with the session, sign-out, and a success forgiving its
address the failures before it (the delays after failures: test_login_throttle.py)."""

import uuid

from services.db import transaction
from services.demo import DEMO_PASSWORD
from services.identity.schemas import UserCreate
from services.identity.service import create_user
from tests.helpers import org_id, production_key_rings
from tests.oidc.browser import hidden_field
from tests.oidc.fixtures import identity_app  # noqa: F401 - fixture

STRONG = "Quiet-River-42"


async def _throwaway_account(sessions) -> str:
    """An account of its own, so its failed sign-ins lock out no one else."""
    username = f"rl.{uuid.uuid4().hex[:10]}"
    async with transaction(sessions) as session:
        await create_user(session, UserCreate(username=username, display_name="Rate Limit", password=STRONG))
    return username


async def _sign_in(http, username: str, password: str = DEMO_PASSWORD, **extra):
    page = await http.get("/login")
    data = {"username": username, "password": password, "csrf_token": hidden_field(page, "csrf_token"), **extra}
    return await http.post("/login", data=data)


async def test_pages_speak_the_language_asked_for_and_the_cookie_is_guarded(identity_app):
    async with identity_app() as running, running.client() as http:
        chinese = await http.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
        assert chinese.status_code == 200
        assert '<html lang="zh-CN">' in chinese.text and "用户名" in chinese.text and "密码" in chinese.text
        cookie = chinese.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie

        english = await http.get("/login?lang=en", headers={"Accept-Language": "zh-CN"})
        assert '<html lang="en">' in english.text and "Username" in english.text
        remembered = await http.get("/login", headers={"Accept-Language": "zh-CN"})
        assert "Username" in remembered.text and "用户名" not in remembered.text

        switched = await http.get("/login?lang=zh")
        assert "用户名" in switched.text


async def test_outside_development_the_cookie_is_secure_only(identity_app):
    async with identity_app(environment="production", session_secret=uuid.uuid4().hex,
                            **production_key_rings()) as running:
        async with running.client() as http:
            page = await http.get("/login")
    cookie = page.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


async def test_a_signed_in_browser_uses_the_api_with_its_csrf_token_and_signs_out(identity_app):
    async with identity_app() as running, running.client() as http:
        page = await http.get("/login")
        no_token = await http.post("/login", data={"username": "ma.rui", "password": DEMO_PASSWORD})
        assert no_token.status_code == 403 and "CSRF" in no_token.text and '"detail"' not in no_token.text
        wrong_token = await http.post("/login", data={"username": "ma.rui", "password": DEMO_PASSWORD,
                                                      "csrf_token": "guessed"})
        assert wrong_token.status_code == 403

        signed_in = await http.post("/login", data={"username": "ma.rui", "password": DEMO_PASSWORD,
                                                    "csrf_token": hidden_field(page, "csrf_token")})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/inbox"
        landing = await http.get("/account?lang=en")
        assert "马睿" in landing.text and 'data-role="admin"' in landing.text and "Approver" in landing.text
        assert (await http.get("/api/v1/me")).json()["username"] == "ma.rui"

        token = hidden_field(landing, "csrf_token")
        sdcia = await org_id(http, {}, "SDCIA")
        members = f"/api/v1/admin/organisations/{sdcia}/members"
        forged = await http.post(members, json={"username": "chen.jie", "role": "expert"})
        assert forged.status_code == 403 and "CSRF" in forged.json()["detail"]
        assert _roles(await http.get(members), "chen.jie") == ["committee_member"]

        granted = await http.post(members, json={"username": "chen.jie", "role": "expert"},
                                  headers={"X-CSRF-Token": token})
        assert granted.status_code == 200 and granted.json()["roles"] == ["committee_member", "expert"]
        user_id = granted.json()["user_id"]
        revoked = await http.delete(f"{members}/{user_id}/roles/expert", headers={"X-CSRF-Token": token})
        assert revoked.status_code == 200 and revoked.json()["roles"] == ["committee_member"]

        cookie = http.cookies.get("standardflow_session")
        assert (await http.post("/logout")).status_code == 403
        signed_out = await http.post("/logout", data={"csrf_token": token})
        assert signed_out.status_code == 303 and signed_out.headers["location"] == "/login"
        assert (await http.get("/account")).headers["location"] == "/login?next=/account"
        async with running.client() as copied:
            copied.cookies.set("standardflow_session", cookie)
            assert (await copied.get("/api/v1/me")).status_code == 401


def _roles(response, username: str) -> list[str]:
    assert response.status_code == 200, response.text
    return next(m["roles"] for m in response.json() if m["username"] == username)


async def test_sign_in_returns_only_to_a_page_of_this_site(identity_app):
    async with identity_app() as running, running.client() as http:
        inside = await _sign_in(http, "li.wei", next="/api/v1/me")
        assert inside.headers["location"] == "/api/v1/me"
    async with identity_app() as running, running.client() as http:
        outside = await _sign_in(http, "li.wei", next="//phishing.example/login")
        assert outside.headers["location"] == "/inbox"
        for sly in ("/\\phishing.example", "/\t/phishing.example", "https://phishing.example/", "/login?next=/x"):
            assert (await _sign_in(http, "li.wei", next=sly)).headers["location"] == "/inbox", sly


async def test_a_successful_sign_in_forgives_its_address_the_failures_before_it(identity_app, sessions):
    username = await _throwaway_account(sessions)
    async with identity_app(login_failures_before_delay=3) as running, running.client() as http:
        for _ in range(2):
            for _ in range(2):
                wrong = await http.post("/api/v1/auth/token", data={"username": username, "password": "Wrong-Guess-1"})
                assert wrong.status_code == 401
            right = await http.post("/api/v1/auth/token", data={"username": username, "password": STRONG})
            assert right.status_code == 200, right.text
