"""A district officer whose organisation commented in a consultation reads, on the projects page and
on a phone too, what the working group decided on the comment after the project has moved on."""

import httpx
from playwright.async_api import Browser

from services.db import session_factory
from tests.api.test_own_comments import a_consultation_that_is_over
from tests.browser.conftest import ServedApp
from tests.browser.test_layout import DESKTOP, PHONE, layout_problems, sign_in


async def test_a_commenter_reads_the_disposition_on_the_projects_page(browser: Browser, served_app: ServedApp, engine):
    async with httpx.AsyncClient(base_url=served_app.base_url) as http:
        pid, comment_id, _ = await a_consultation_that_is_over(http, session_factory(engine))
    officer = await sign_in(browser, served_app, "lin.tao", "zh-CN")

    assert await layout_problems(officer, served_app.base_url + "/projects",
                                 f"own-comments-{served_app.database}-district") == []
    for size in (DESKTOP, PHONE):
        await officer.set_viewport_size(size)
        await officer.goto(served_app.base_url + "/projects")
        row = officer.locator(f"li[data-comment='{comment_id}']")
        assert "部分采纳" in await row.inner_text() and "至少每周更新" in await row.inner_text()
        assert await row.locator(f"a[href^='/projects/{pid}']").count() == 0
    assert officer.context.violations == []
