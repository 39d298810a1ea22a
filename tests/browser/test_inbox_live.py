"""Headless Chromium: an inbox left open shows the task another person's decision opened, without
being reloaded. The committee's secretary (in Chinese) watches her inbox while a proposer submits; the
proposer (in English) watches his while the secretary returns the proposal. Each inbox says that new
tasks arrived in its polite live region; nothing the Content-Security-Policy blocks. Screenshots at
1280 and 390 px in test-artifacts/screenshots/inbox-live-*."""

import httpx
from playwright.async_api import Browser, Page, expect

from services.demo import DEMO_PASSWORD
from tests.browser.conftest import ServedApp, screenshot, watched
from tests.helpers import create_proposal

PHONE = {"width": 390, "height": 844}


async def _watching(browser: Browser, served: ServedApp, username: str, locale: str, project_id: str) -> Page:
    """One person's own browser, signed in, with the inbox open on one project and marked, so that a
    reload would show."""
    context = await watched(await browser.new_context(locale=locale, viewport={"width": 1280, "height": 900}))
    page = await context.new_page()
    await page.goto(f"{served.base_url}/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", DEMO_PASSWORD)
    await page.click("form[action='/login'] button[type=submit]")
    await page.wait_for_url("**/inbox")
    await page.goto(f"{served.base_url}/inbox?project_id={project_id}")
    assert await page.locator("tr[data-task]").count() == 0
    await page.evaluate("window.notReloaded = true")
    return page


async def _shows_without_reload(page: Page, kind: str, title: str, arrived: str, shot: str) -> None:
    row = page.locator(f"tr[data-kind={kind}]")
    await expect(row).to_have_count(1, timeout=15_000)
    assert title in await row.inner_text()
    await expect(page.locator("#inbox-news[role=status]")).to_have_text(arrived)
    assert "arrived" in (await row.get_attribute("class") or "")
    assert await page.evaluate("window.notReloaded") is True
    await screenshot(page, f"{shot}-1280")
    await page.set_viewport_size(PHONE)
    widths = await page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    await screenshot(page, f"{shot}-390")
    await page.context.close()


async def _token(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await http.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_an_open_inbox_shows_the_task_another_persons_decision_opened(browser: Browser, served_app: ServedApp):
    async with httpx.AsyncClient(base_url=served_app.base_url, timeout=30) as http:
        proposer, secretary = await _token(http, "li.wei"), await _token(http, "wang.fang")
        project = await create_proposal(http, proposer)

        watching = await _watching(browser, served_app, "wang.fang", "zh-CN", project["id"])
        submitted = await http.post(f"/api/v1/projects/{project['id']}/submit", headers=proposer)
        assert submitted.status_code == 200, submitted.text
        await _shows_without_reload(watching, "screen_proposal", project["title_zh"], "新任务已到达。",
                                    f"inbox-live-zh-{served_app.database}")
        violations = watching.context.violations

        watching = await _watching(browser, served_app, "li.wei", "en-GB", project["id"])
        task = (await http.get("/api/v1/tasks", params={"project_id": project["id"]}, headers=secretary)).json()
        returned = await http.post(f"/api/v1/tasks/{task['items'][0]['id']}/complete", headers=secretary,
                                   json={"decision": "return", "reasons": "Name the data sets."})
        assert returned.status_code == 200, returned.text
        await _shows_without_reload(watching, "revise_proposal", project["title_en"], "New tasks arrived.",
                                    f"inbox-live-en-{served_app.database}")
    assert violations + watching.context.violations == []
