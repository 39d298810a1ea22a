"""An expert ticks their fields of expertise on their account page, on a desktop and on a phone."""

from playwright.async_api import Browser

from tests.browser.conftest import ServedApp
from tests.browser.test_layout import DESKTOP, PHONE, layout_problems, sign_in


async def test_an_expert_records_their_fields_on_the_account_page(browser: Browser, served_app: ServedApp):
    expert = await sign_in(browser, served_app, "he.jing", "zh-CN")
    assert await layout_problems(expert, served_app.base_url + "/account",
                                 f"account-expertise-{served_app.database}") == []
    for size, fields in ((DESKTOP, ["life.mobility"]), (PHONE, ["life.mobility", "foundations.digital_trust"])):
        await expert.set_viewport_size(size)
        await expert.goto(served_app.base_url + "/account")
        assert await expert.inner_text("#expertise h2") == "我的专业领域"
        for code in fields:
            await expert.check(f"#expertise input[value='{code}']")
        await expert.click("#expertise button[type=submit]")
        await expert.wait_for_url("**/account*")
        assert "专业领域已保存。" in await expert.inner_text("body")
        checked = await expert.eval_on_selector_all("#expertise input:checked", "boxes => boxes.map(b => b.value)")
        assert sorted(checked) == sorted(fields)
    secretary = await sign_in(browser, served_app, "wang.fang", "zh-CN")
    await secretary.goto(served_app.base_url + "/account")
    assert await secretary.locator("#expertise").count() == 0, "only experts record fields"
    assert expert.context.violations == []
