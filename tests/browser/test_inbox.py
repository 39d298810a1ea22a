"""Headless Chromium through the pages: a proposer proposes and submits, the committee's secretary
finds the screening task in a Chinese inbox (screenshot kept in tests/browser/artifacts), is refused
a return without reasons, returns it with reasons, and the proposer finds the revision task."""

from playwright.async_api import Browser, Page

from services.demo import DEMO_PASSWORD
from tests.api.test_inbox import ORDERS, _names, lead  # noqa: F401 - lead is a fixture
from tests.browser.conftest import ARTIFACTS, ServedApp

TITLE_ZH = "城市数字孪生 三维建筑模型交换格式"
TITLE_EN = "Digital twin city — 3D building model exchange format"


async def signed_in(browser: Browser, served: ServedApp, username: str, locale: str) -> Page:
    """A browser of one's own (its own cookies), signed in from the start page."""
    context = await browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(served.base_url + "/")
    assert page.url.endswith("/login?next=/inbox")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", DEMO_PASSWORD)
    await page.click("form[action='/login'] button[type=submit]")
    await page.wait_for_url("**/inbox")
    return page


async def test_a_proposal_is_screened_and_returned_in_a_real_browser(browser: Browser, served_app: ServedApp):
    proposer = await signed_in(browser, served_app, "li.wei", "en-GB")
    await proposer.click("text=New proposal")
    await proposer.fill("input[name=title_zh]", TITLE_ZH)
    await proposer.fill("input[name=title_en]", TITLE_EN)
    await proposer.fill("textarea[name=scope]", "Exchange of 3D building models between districts and enterprises.")
    await proposer.fill("textarea[name=rationale]", "Every district keeps models in a different format.")
    await proposer.select_option("select[name=standard_type]", "group")
    await proposer.select_option("select[name=domain]", "foundations.data_base")
    await proposer.click("text=Save as draft")
    assert "The proposal is saved as a draft" in await proposer.inner_text(".notice")
    await proposer.click("text=Submit the proposal")
    assert "Submitted" in await proposer.inner_text(".notice")
    assert "Committee review" in await proposer.inner_text(".stage-line")

    project_path = proposer.url.split("?")[0].removeprefix(served_app.base_url)
    secretary = await signed_in(browser, served_app, "wang.fang", "zh-CN")
    await secretary.goto(f"{served_app.base_url}/inbox?project_id={project_path.rsplit('/', 1)[-1]}")
    row = secretary.locator("tr[data-kind=screen_proposal]", has_text=TITLE_ZH)
    assert "立项初审" in await row.inner_text() and "待办理" in await row.inner_text()
    assert "我的待办" in await secretary.inner_text("h1")
    ARTIFACTS.mkdir(exist_ok=True)
    await secretary.screenshot(path=ARTIFACTS / f"inbox-zh-{served_app.database}.png", full_page=True)

    await row.locator("a", has_text="立项初审").click()
    await secretary.check("input[name=decision][value=return]")
    await secretary.click("form.decision-form button[type=submit]")
    assert "退回修改须说明理由" in await secretary.inner_text("[role=alert]")
    assert await secretary.is_checked("input[name=decision][value=return]")
    await secretary.fill("textarea[name=reasons]", "请补充模型精度等级的要求。")
    await secretary.click("form.decision-form button[type=submit]")
    await secretary.wait_for_url("**/inbox?notice=task_done")
    assert "任务已办理" in await secretary.inner_text(".notice")
    assert await secretary.locator("tr[data-kind=screen_proposal]", has_text=TITLE_ZH).count() == 0

    await proposer.goto(f"{served_app.base_url}/inbox?project_id={project_path.rsplit('/', 1)[-1]}")
    revision = proposer.locator("tr[data-kind=revise_proposal]", has_text=TITLE_EN)
    assert "Revise the proposal" in await revision.inner_text()
    await revision.locator("a", has_text="Revise the proposal").click()
    assert "请补充模型精度等级的要求。" in await proposer.inner_text(".context")


async def test_a_pilot_lead_sorts_and_narrows_the_inbox_on_a_phone(browser: Browser, served_app: ServedApp, lead):
    page = await signed_in(browser, served_app, lead.username, "en-GB")
    await page.set_viewport_size({"width": 390, "height": 844})
    scopes = await page.locator("nav.scopes a").all_inner_texts()
    assert scopes == ["All my tasks (5)", "Assigned to me (2)", "Offered to my roles (3)", "Overdue (1)"]

    await page.select_option("select[name=sort]", "priority")
    await page.click("form.filters button[type=submit]")
    await page.wait_for_url("**/inbox?kind=&sort=priority")
    assert _names(lead, await _row_ids(page)) == ORDERS["priority"]
    await page.click("nav.scopes a[data-scope=overdue]")
    await page.wait_for_url("**/inbox?overdue=1&sort=priority")
    assert _names(lead, await _row_ids(page)) == ["late_plan"]
    assert await page.input_value("select[name=sort]") == "priority"
    widths = await page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=ARTIFACTS / f"inbox-390-{served_app.database}.png", full_page=True)


async def _row_ids(page: Page) -> list[str]:
    return [await row.get_attribute("data-task") for row in await page.locator("tr[data-task]").all()]
