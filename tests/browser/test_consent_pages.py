"""Consent between organisations in Chromium, at 1280 and 390 px: an organisation admin's invitation to
co-draft (the project it concerns and what accepting means) and a person's invitation into another
organisation on their account page, each decided from its page. Screenshots go to
test-artifacts/screenshots (and STANDARDFLOW_SHOTS, when set, for a look by hand)."""

import os
import shutil
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser

from services.db import session_factory, transaction
from services.demo import DEMO_PASSWORD
from services.identity.permissions import Role
from services.identity.schemas import UserCreate
from services.identity.service import create_user, grant_role
from services.organisations.service import get_by_code
from tests.browser.conftest import ARTIFACTS, ServedApp
from tests.browser.test_layout import layout_problems, sign_in
from tests.helpers import PROPOSAL, eventually

pytestmark = pytest.mark.timeout(300)


async def _person(engine, org_code: str, role: Role) -> str:
    username = f"c{uuid.uuid4().hex[:10]}"
    async with transaction(session_factory(engine)) as session:
        user = await create_user(session, UserCreate(username=username, display_name="周文", password=DEMO_PASSWORD))
        await grant_role(session, user.id, (await get_by_code(session, org_code)).id, role)
    return username


async def _token(http: httpx.AsyncClient, username: str) -> dict:
    response = await http.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _keep(name: str) -> None:
    wanted = os.environ.get("STANDARDFLOW_SHOTS")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        for width in (1280, 390):
            shutil.copy(ARTIFACTS / f"{name}-{width}.png", Path(wanted) / f"{name}-{width}.png")


async def test_the_invitation_pages_fit_and_decide(browser: Browser, served_app: ServedApp, engine):
    admin, guest = await _person(engine, "HDU", Role.admin), await _person(engine, "DFCLOUD", Role.expert)
    async with httpx.AsyncClient(base_url=served_app.base_url) as http:
        proposer = await _token(http, "li.wei")
        orgs = {o["code"]: o["id"] for o in (await http.get("/api/v1/organisations", headers=proposer)).json()}
        committee = (await http.get("/api/v1/committees", headers=proposer)).json()[0]["id"]
        created = await http.post("/api/v1/projects", headers=proposer, json={
            **PROPOSAL, "committee_id": committee, "co_drafting_org_ids": [orgs["HDU"]]})
        assert created.status_code == 201, created.text
        pid = created.json()["id"]
        invited = await http.post(f"/api/v1/admin/organisations/{orgs['PUDONG']}/members",
                                  headers=await _token(http, "gao.yan"), json={"username": guest, "role": "coordinator"})
        assert invited.json()["state"] == "invited"
        admin_headers = await _token(http, admin)

        async def tasks():
            response = await http.get("/api/v1/tasks", params={"kind": "co_drafter_consent"}, headers=admin_headers)
            return [t for t in response.json()["items"] if t["context"].get("project_id") == pid]

        [task] = await eventually(tasks, bool)

    page = await sign_in(browser, served_app, admin, "zh-CN")
    url = f"{served_app.base_url}/tasks/{task['id']}"
    assert await layout_problems(page, url, f"consent-task-{served_app.database}") == []
    _keep(f"consent-task-{served_app.database}")
    text = await page.inner_text("main")
    assert PROPOSAL["title_zh"] in text and "李伟" in text and "专家不得参加" in text
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(url)
    await page.check("input[name=decision][value=accept]")
    await page.click("form.decision-form button[type=submit]")
    await page.wait_for_url("**/inbox?notice=task_done")

    person = await sign_in(browser, served_app, guest, "en-GB")
    account = f"{served_app.base_url}/account"
    assert await layout_problems(person, account, f"consent-account-{served_app.database}") == []
    _keep(f"consent-account-{served_app.database}")
    assert "invites you to Pudong New Area (PUDONG) as" in await person.inner_text("main")
    await person.set_viewport_size({"width": 390, "height": 844})
    await person.goto(account)
    await person.click("form[action$='/accept'] button[type=submit]")
    await person.wait_for_url("**/account?notice=invitation_accepted")
    assert await person.locator("tr[data-org='PUDONG']").count() == 1
