"""Every answer carries the security headers (api/security_headers.py): pages signed in and out, API
answers, static files, errors, redirects, the body limit's 413 and a 500; HSTS only in production;
no-store on all but the static files. And no page holds an inline script or style the policy would block."""

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from standardflow.config import Settings
from tests.api.test_pages import post_form, propose, sign_in, task_ids
from tests.helpers import production_key_rings

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
               "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates"
STRONG_SECRET = "a-production-secret-of-more-than-32-characters"


def assert_protected(response: httpx.Response, no_store: bool = True) -> None:
    what = f"{response.request.method} {response.request.url.path} -> {response.status_code}"
    headers = response.headers
    assert headers.get("content-security-policy") == PAGE_POLICY, what
    assert headers.get("x-frame-options") == "DENY", what
    assert headers.get("x-content-type-options") == "nosniff", what
    assert headers.get("referrer-policy") == "same-origin", what
    assert "strict-transport-security" not in headers, what  # not in development
    if no_store:
        assert headers.get("cache-control") == "no-store", what


async def test_every_kind_of_answer_carries_the_headers(stack):
    http = stack.http
    assert_protected(signed_out := await http.get("/catalogue?lang=en"))
    assert signed_out.status_code == 200 and "Catalogue of standards" in signed_out.text
    assert_protected(redirect := await http.get("/"))
    assert redirect.status_code == 303 and redirect.headers["location"] == "/login?next=/inbox"
    assert_protected(missing := await http.get("/no-such-page?lang=en"))
    assert missing.status_code == 404 and "Not found" in missing.text
    assert_protected(anonymous := await http.get("/api/v1/projects"))
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    assert_protected(too_big := await http.post("/api/v1/projects", content=b"x" * (stack.settings.max_body_bytes + 1),
                                                headers={"content-type": "application/json"}))
    assert too_big.status_code == 413 and "bytes" in too_big.json()["detail"]

    static = await http.get("/static/style.css")
    assert static.status_code == 200 and "etag" in static.headers
    assert_protected(static, no_store=False)
    assert "no-store" not in static.headers.get("cache-control", "")

    assert_protected(api := await http.get("/api/v1/projects", headers=await stack.login("li.wei")))
    assert api.status_code == 200 and isinstance(api.json(), list)

    await sign_in(http, "li.wei", "en")
    assert_protected(inbox := await http.get("/inbox"))
    assert inbox.status_code == 200 and "Sign out" in inbox.text
    page_too_big = await http.post("/projects/new", content=b"x" * (stack.settings.max_body_bytes + 1),
                                   headers={"content-type": "application/x-www-form-urlencoded"})
    assert_protected(page_too_big)
    assert page_too_big.status_code == 413 and "Sign out" in page_too_big.text


async def test_the_api_documentation_renders_under_its_own_policy(stack):
    docs = await stack.http.get("/docs")
    assert docs.status_code == 200 and "swagger-ui-bundle.js" in docs.text
    policy = docs.headers["content-security-policy"]
    [inline] = re.findall(r"<script>(.*?)</script>", docs.text, re.DOTALL)
    assert f"'sha256-{_sha256(inline)}'" in policy and "https://cdn.jsdelivr.net" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy
    assert "'unsafe-inline'" not in _directive(policy, "script-src")
    assert docs.headers["x-frame-options"] == "DENY" and docs.headers["cache-control"] == "no-store"

    redoc = await stack.http.get("/redoc")
    assert redoc.status_code == 200 and "redoc.standalone.js" in redoc.text
    assert "https://cdn.jsdelivr.net" in _directive(redoc.headers["content-security-policy"], "script-src")


async def test_hsts_only_in_production_and_a_server_error_carries_the_headers(tmp_path):
    for environment, hsts in (("production", "max-age=31536000; includeSubDomains"), ("development", None)):
        app = create_app(Settings(var_dir=tmp_path, environment=environment, session_secret=STRONG_SECRET,
                                  **production_key_rings()))
        _add_failing_route(app)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
            for path, status in (("/static/app.js", 200), ("/docs", 200), ("/openapi.json", 200), ("/fails", 500)):
                response = await http.get(path)
                assert response.status_code == status, path
                assert response.headers.get("strict-transport-security") == hsts, (environment, path)
                assert response.headers["x-content-type-options"] == "nosniff", (environment, path)
                assert response.headers["x-frame-options"] == "DENY", (environment, path)
            assert (await http.get("/fails")).headers["content-security-policy"] == PAGE_POLICY


async def test_signing_out_at_a_provider_is_a_form_action_the_policy_allows(tmp_path):
    settings = Settings(var_dir=tmp_path, oidc_issuer="https://id.example.org:8443/realms/sdcia",
                        oidc_client_id="standardflow", oidc_audience="standardflow-api")
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        policy = (await http.get("/static/style.css")).headers["content-security-policy"]
    assert _directive(policy, "form-action") == "form-action 'self' https://id.example.org:8443"


class _Inline(HTMLParser):
    """Notes what a Content-Security-Policy without 'unsafe-inline' would block."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and not names.get("src"):
            self.found.append("<script> without src")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")


def inline_parts(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.found


async def test_no_page_of_a_signed_in_reader_holds_an_inline_script_or_style(stack):
    http = stack.http
    await sign_in(http, "li.wei", "en")
    pid = await propose(http, "安全头测试", "Security headers check")
    submitted = await post_form(http, await http.get(f"/projects/{pid}"), f"/projects/{pid}/submit")
    assert submitted.status_code == 303, submitted.text
    paths = ["/inbox", "/projects", f"/projects/{pid}", "/projects/new", "/dashboard", "/catalogue",
             "/notifications", "/account"]
    for path in paths:
        page = await http.get(path)
        assert page.status_code == 200, path
        assert inline_parts(page.text) == [], path
    assert 'class="count-bar"' in (await http.get("/dashboard")).text and "<svg" in (await http.get(f"/projects/{pid}")).text

    await sign_in(http, "wang.fang", "zh")
    [task_id] = task_ids(await http.get(f"/inbox?project_id={pid}"), "screen_proposal")
    for path in (f"/tasks/{task_id}", "/coordination", "/no-such-page"):
        page = await http.get(path)
        assert page.status_code in (200, 404), path
        assert inline_parts(page.text) == [], path


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_holds_an_inline_script_or_style(template: Path):
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<style|\sstyle=|<script(?![^>]*\ssrc=)|\son[a-z]+=|javascript:", text), template


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _directive(policy: str, name: str) -> str:
    return next(part.strip() for part in policy.split(";") if part.strip().startswith(name + " "))


def _add_failing_route(app: FastAPI) -> None:
    async def fails() -> None:
        raise RuntimeError("a fault of the app's own")

    app.add_api_route("/fails", fails)
