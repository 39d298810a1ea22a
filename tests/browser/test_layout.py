"""Headless Chromium at a phone's 390 × 844 and a desktop's 1280 px: signing in lands on the inbox;
every page a proposer and a committee secretary open has the navigation, never scrolls sideways and
keeps its header to one line (behind a menu on the phone), and breaks no rule of the pages'
Content-Security-Policy. A form sent after the session expired keeps what was typed, and signing in
returns to it. Screenshots go to test-artifacts/screenshots."""

import base64
import json
import uuid

from itsdangerous import TimestampSigner
from playwright.async_api import Browser, Page

from services.db import session_factory, transaction
from services.demo import DEMO_PASSWORD
from services.identity.web_sessions import end_web_session
from tests.browser.conftest import ServedApp, screenshot, watched

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ONE_LINE = 80  # px: the header's height when it holds one line

MEASURE = """() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    header: document.querySelector("header.bar").getBoundingClientRect().height,
    catalogueLinks: document.querySelectorAll("header nav.site a[href='/catalogue']").length,
})"""
SAVED_FORMS = "() => Object.keys(sessionStorage).filter(key => key.startsWith('standardflow.form:'))"
async def sign_in(browser: Browser, served: ServedApp, username: str, locale: str) -> Page:
    """A browser of one's own, signed in from the sign-in page without a `next`: it lands on the inbox."""
    context = await watched(await browser.new_context(locale=locale, viewport=DESKTOP))
    page = await context.new_page()
    await page.goto(served.base_url + "/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", DEMO_PASSWORD)
    await page.click("form[action='/login'] button[type=submit]")
    await page.wait_for_url("**/inbox")
    return page


async def propose(page: Page, served: ServedApp, title: str) -> str:
    """A proposal through the form, submitted to the committee; the project's path."""
    await page.goto(served.base_url + "/projects/new")
    await page.fill("input[name=title_zh]", title)
    await page.fill("input[name=title_en]", "Smart parking — berth sensor data exchange")
    # A long address and a hash have no place to break: the page must wrap them, not widen.
    await page.fill("textarea[name=scope]", "停车泊位传感器数据的交换格式与接口，参见 "
                    "https://data.sh.gov.cn/view/detail/parking-berth-sensors-open-dataset-2026-specification "
                    "（sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08）。")
    await page.fill("textarea[name=rationale]", "各区的泊位数据格式不一。")
    await page.select_option("select[name=standard_type]", "group")
    await page.select_option("select[name=domain]", "life.mobility")
    await page.click("form[action='/projects/new'] button[type=submit]")
    await page.wait_for_url("**/projects/*?notice=created")
    await page.click("form[action$='/submit'] button[type=submit]")
    await page.wait_for_url("**?notice=submitted")
    return page.url.split("?")[0].removeprefix(served.base_url)


async def layout_problems(page: Page, url: str, name: str) -> list[str]:
    """Opens the page at the desktop's width and the phone's; what does not fit, with screenshots."""
    problems = []
    for size in (DESKTOP, PHONE):
        await page.set_viewport_size(size)
        await page.goto(url)
        seen = await page.evaluate(MEASURE)
        where = f"{name} at {size['width']} px"
        if seen["scrollWidth"] > seen["innerWidth"]:
            problems.append(f"{where} scrolls sideways: {seen['scrollWidth']} > {seen['innerWidth']}")
        if seen["header"] > ONE_LINE:
            problems.append(f"{where}: the header is {seen['header']:.0f} px tall")
        if seen["catalogueLinks"] != 1:
            problems.append(f"{where} has no navigation")
        if size is PHONE and await page.is_visible("header nav.site"):
            problems.append(f"{where}: the menu is open before it is asked for")
        await screenshot(page, f"{name}-{size['width']}")
    return problems


async def test_signing_in_lands_on_the_inbox_and_every_page_fits_a_phone(browser: Browser, served_app: ServedApp):
    proposer = await sign_in(browser, served_app, "li.wei", "en-GB")
    assert proposer.url == served_app.base_url + "/inbox"
    project = await propose(proposer, served_app, "智慧停车 泊位传感器数据交换")
    secretary = await sign_in(browser, served_app, "wang.fang", "zh-CN")

    pages = {"inbox": "/inbox", "projects": "/projects", "project": project, "new-proposal": "/projects/new",
             "catalogue": "/catalogue", "notifications": "/notifications", "dashboard": "/dashboard",
             "account": "/account", "coordination": "/coordination", "error": f"/projects/{uuid.uuid4()}",
             "unknown-page": "/no-such-page"}
    problems = []
    for person, page in (("proposer", proposer), ("secretary", secretary)):
        for name, path in pages.items():
            shot = f"layout-{served_app.database}-{person}-{name}"
            problems += await layout_problems(page, served_app.base_url + path, shot)
    anonymous = await (await watched(await browser.new_context(locale="zh-CN"))).new_page()
    for name, path in {"login": "/login", "public-catalogue": "/catalogue"}.items():
        problems += await layout_problems(anonymous, served_app.base_url + path, f"layout-{served_app.database}-{name}")
    assert problems == []

    await secretary.goto(served_app.base_url + "/dashboard")
    await secretary.click("label.menu-button")
    assert await secretary.is_visible("header nav.site a[href='/inbox']")
    assert await secretary.get_attribute("header nav.site a[href='/dashboard']", "aria-current") == "page"
    assert (await secretary.evaluate(MEASURE))["scrollWidth"] <= PHONE["width"]
    await screenshot(secretary, f"layout-{served_app.database}-secretary-menu-open-390", full_page=False)
    await secretary.click("header nav.site a[href='/inbox']")
    await secretary.wait_for_url("**/inbox")
    assert "我的待办" in await secretary.inner_text("h1")
    for page in (proposer, secretary, anonymous):
        assert page.context.violations == []


async def _end_server_session(page: Page, served: ServedApp, engine) -> None:  # noqa: ANN001 - the app's engine
    """The session ends on the server while the page stays open, as when it expires: the browser
    keeps its cookie, which no longer signs anyone in."""
    cookie = next(c["value"] for c in await page.context.cookies() if c["name"] == "standardflow_session")
    data = TimestampSigner(served.settings.session_secret).unsign(cookie)
    key = json.loads(base64.b64decode(data))["sid"]
    async with transaction(session_factory(engine)) as session:
        assert await end_web_session(session, key) is not None


async def test_a_form_sent_after_the_session_expired_keeps_what_was_typed(
    browser: Browser, served_app: ServedApp, engine
):
    page = await sign_in(browser, served_app, "li.wei", "zh-CN")
    await page.set_viewport_size(PHONE)
    await page.goto(served_app.base_url + "/projects/new")
    typed = {"title_zh": "城市道路 路侧单元 数据接口", "title_en": "Roadside unit data interface"}
    for name, words in typed.items():
        await page.fill(f"input[name={name}]", words)
    await page.fill("textarea[name=scope]", "路侧单元向区级平台上报数据的接口。\n第二段：范围说明。")
    await page.fill("textarea[name=rationale]", "各区路侧单元的数据格式不一。")
    await page.select_option("select[name=standard_type]", "group")
    await page.select_option("select[name=domain]", "life.mobility")

    await _end_server_session(page, served_app, engine)
    await page.click("form[action='/projects/new'] button[type=submit]")
    assert "登录已过期" in await page.inner_text("[role=alert]")
    assert await page.input_value("form[action='/login'] input[name=next]") == "/projects/new"
    await screenshot(page, f"expired-{served_app.database}-sign-in-again-390")

    await page.fill("input[name=username]", "li.wei")
    await page.fill("input[name=password]", DEMO_PASSWORD)
    await page.click("form[action='/login'] button[type=submit]")
    await page.wait_for_url("**/projects/new")
    for name, words in typed.items():
        assert await page.input_value(f"input[name={name}]") == words
    assert await page.input_value("textarea[name=scope]") == "路侧单元向区级平台上报数据的接口。\n第二段：范围说明。"
    assert await page.input_value("select[name=domain]") == "life.mobility"
    assert await page.input_value("select[name=standard_type]") == "group"
    await screenshot(page, f"expired-{served_app.database}-form-restored-390")

    await page.click("form[action='/projects/new'] button[type=submit]")
    await page.wait_for_url("**/projects/*?notice=created")
    assert typed["title_zh"] in await page.inner_text("main")
    assert await page.evaluate(SAVED_FORMS) == [], "the copy is forgotten once the form went through"
    await page.goto(served_app.base_url + "/projects/new")
    assert await page.input_value("input[name=title_zh]") == ""
    assert page.context.violations == []
