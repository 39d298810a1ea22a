"""A reader with no account finds a published standard in the catalogue and downloads its text, on a
desktop and on a phone."""

import uuid
from datetime import date

import httpx
from playwright.async_api import Browser

from services.db import session_factory
from tests.api.test_catalogue import make_project, publish, upload_as_lead
from tests.browser.conftest import ServedApp, watched
from tests.browser.test_layout import DESKTOP, PHONE, layout_problems
from tests.services.draft_samples import pdf


async def test_a_reader_downloads_a_published_standards_text_without_signing_in(
        browser: Browser, served_app: ServedApp, engine):
    sessions = session_factory(engine)
    token = uuid.uuid4().hex[:8]
    pid = await make_project(sessions, token, "group", "life.mobility", "路侧单元", "Roadside unit")
    async with httpx.AsyncClient(base_url=served_app.base_url) as http:
        await upload_as_lead(http, pid, "approval", "报批稿.pdf", pdf())
    await publish(sessions, pid, date(2026, 3, 1))

    reader = await (await watched(await browser.new_context(locale="zh-CN", accept_downloads=True))).new_page()
    url = f"{served_app.base_url}/catalogue/{pid}"
    assert await layout_problems(reader, url, f"catalogue-entry-{served_app.database}") == []
    for size in (DESKTOP, PHONE):
        await reader.set_viewport_size(size)
        await reader.goto(url)
        link = reader.locator(f"a[href='/api/v1/catalog/{pid}/text']")
        assert (await link.inner_text()).startswith("下载标准文本（PDF，")
        async with reader.expect_download() as downloading:
            await link.click()
        download = await downloading.value
        assert download.suggested_filename.endswith(f"路侧单元数据规范 {token}.pdf")
        assert (await download.path()).read_bytes() == pdf()
    assert reader.context.violations == []
