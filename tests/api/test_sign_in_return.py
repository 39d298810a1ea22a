"""A form sent when its session has ended is not carried out: the answer is the sign-in page, in the
reader's language, which leads back to the page the form was on. The browser names that page in
Referer; any address not of this site leads to the inbox instead."""

from services.demo import DEMO_PASSWORD
from tests.helpers import PROPOSAL
from tests.oidc.browser import hidden_field
from tests.oidc.fixtures import APP_BASE, identity_app  # noqa: F401 - fixture

TITLE = "会话过期后提交的提案"


async def _sign_in(http, next_path: str = "") -> str:
    page = await http.get("/login")
    data = {"username": "li.wei", "password": DEMO_PASSWORD, "csrf_token": hidden_field(page, "csrf_token")}
    signed_in = await http.post("/login", data={**data, **({"next": next_path} if next_path else {})})
    assert signed_in.status_code == 303, signed_in.text
    return signed_in.headers["location"]


async def test_a_form_sent_after_the_session_ended_leads_back_to_its_page(identity_app):
    async with identity_app() as running, running.client() as http:
        http.headers["Accept-Language"] = "zh-CN"
        assert await _sign_in(http) == "/inbox", "signing in without a `next` lands on the inbox"
        form = await http.get("/projects/new")
        token = hidden_field(form, "csrf_token")
        await http.post("/logout", data={"csrf_token": token})

        proposal = {**PROPOSAL, "title_zh": TITLE, "csrf_token": token}
        sent = await http.post("/projects/new", data=proposal, headers={"Referer": f"{APP_BASE}/projects/new"})
        assert sent.status_code == 401
        assert "登录已过期，表单尚未提交" in sent.text and 'action="/login"' in sent.text
        assert hidden_field(sent, "next") == "/projects/new"
        for elsewhere in ("https://phishing.example/projects/new", "", f"{APP_BASE}/login?next=/x"):
            refused = await http.post("/projects/new", data=proposal, headers={"Referer": elsewhere})
            assert refused.status_code == 401 and hidden_field(refused, "next") == "/inbox", elsewhere

        assert await _sign_in(http, hidden_field(sent, "next")) == "/projects/new"
        assert TITLE not in (await http.get("/projects")).text, "nothing was done while signed out"
