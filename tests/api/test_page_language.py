"""The pages speak the reader's language, errors included: a domain error on a task page reads in
Chinese to a Chinese reader and in English to an English one; a bad address, an unknown page or a
method a page does not take is a page in the reader's language with the navigation, never JSON, while
the API keeps answering JSON; the language comes from ?lang=, then the session (where signing in puts
the account's choice unless the sign-in page was just switched), then Accept-Language, Chinese when
that names neither."""

import re
from datetime import timedelta

import httpx

from tests.api.test_consultation import (
    comment, consultation_in, only_task, stages_worker, start_stages, submit_consultation_draft,
)
from services.demo import DEMO_PASSWORD
from tests.api.test_outcome_notices import a_new_proposer
from tests.api.test_pages import post_form, sign_in
from tests.helpers import create_proposal, org_id
from tests.co_drafting import accept_co_drafters
from tests.oidc.browser import hidden_field

BAD_ID = "/tasks/not-a-uuid"


def shown_error(page: httpx.Response) -> str:
    """The words of the page's error (the page's alert or the form's problem list)."""
    found = re.search(r'role="alert"[^>]*>(.*?)</', page.text, re.S)
    assert found, page.text
    return re.sub(r"<[^>]+>", " ", found.group(1)).strip()


def is_a_page(response: httpx.Response) -> bool:
    return response.headers["content-type"].startswith("text/html") and '"detail"' not in response.text \
        and 'class="site"' in response.text


async def test_a_comment_without_disposition_is_refused_in_the_readers_language(skipping_stack, time_skipping_env):
    stack, env, http = skipping_stack, time_skipping_env, skipping_stack.http
    lead = await stack.login("li.wei")
    scdata = await org_id(http, lead, "SCDATA")
    project = await create_proposal(http, lead, co_drafting_org_ids=[scdata])
    pid = project["id"]
    await accept_co_drafters(http, pid, [scdata])
    async with stages_worker(stack) as queue:
        await start_stages(stack, env, queue, project)
        await submit_consultation_draft(stack, pid)
        await consultation_in(stack, lead, pid, "open")
        assert (await comment(stack, "zhang.min", pid, "5.2", "应明确接入方式。")).status_code == 201
        await env.sleep(timedelta(days=31))
        await consultation_in(stack, lead, pid, "closed")
        task = await only_task(stack, lead, pid, "dispose_comments")

        refusals = {}
        for lang in ("zh", "en"):
            await sign_in(http, "li.wei", lang)
            form = await http.get(f"/tasks/{task['id']}")
            assert form.status_code == 200, form.text
            refusals[lang] = await post_form(http, form, f"/tasks/{task['id']}", decision="done")
            assert refusals[lang].status_code == 409 and is_a_page(refusals[lang])
        assert "尚有 1 条意见未填写处理结果" in refusals["zh"].text
        assert "comment has no disposition" not in refusals["zh"].text
        assert "1 comment has no disposition" in refusals["en"].text

        api = await http.post(f"/api/v1/tasks/{task['id']}/complete", headers=lead, json={"decision": "done"})
        assert api.status_code == 409 and api.json()["detail"] == "1 comment has no disposition"


async def test_a_bad_address_is_a_page_in_the_readers_language_and_the_api_keeps_json(stack):
    http = stack.http
    signed_out = await http.get("/catalogue/123?lang=zh")
    assert signed_out.status_code == 404 and is_a_page(signed_out)
    assert shown_error(signed_out) == "找不到此页面：地址可能有误，或页面已不存在。"

    await sign_in(http, "wang.fang", "zh")
    for path in (BAD_ID, "/projects/123", "/no-such-page", "/tasks/00000000-0000-4000-8000-000000000000"):
        page = await http.get(path)
        assert page.status_code == 404 and is_a_page(page), (path, page.text)
        assert "找不到" in shown_error(page) or "未找到" in shown_error(page), (path, shown_error(page))
        assert 'href="/inbox"' in page.text, (path, "the navigation of a signed-in reader")
    unknown_task = await http.get("/tasks/00000000-0000-4000-8000-000000000000")
    assert shown_error(unknown_task) == "未找到该任务"
    not_taken = await http.put("/inbox")
    assert not_taken.status_code == 405 and is_a_page(not_taken) and "GET" in not_taken.headers["allow"]
    assert shown_error(not_taken) == "此页面不接受这种请求方式。"
    english = await http.get(f"{BAD_ID}?lang=en")
    assert english.status_code == 404 and "There is no page at this address" in shown_error(english)

    token = await stack.login("wang.fang")
    api = await http.get("/api/v1/tasks/not-a-uuid", headers=token)
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["path", "task_id"]
    missing = await http.get("/api/v1/tasks/00000000-0000-4000-8000-000000000000", headers=token)
    assert missing.status_code == 404 and missing.json() == {"detail": "task not found"}
    assert (await http.get("/api/v1/no-such-thing")).json() == {"detail": "Not Found"}


async def test_the_language_is_asked_for_then_kept_then_taken_from_the_browser(stack):
    http = stack.http

    async def language_of(headers: dict[str, str], path: str = "/catalogue") -> str:
        page = await http.get(path, headers=headers)
        assert page.status_code == 200, page.text
        return re.search(r'<html lang="([^"]+)"', page.text).group(1)

    for header, expected in (
        ({}, "zh"), ({"Accept-Language": "en-GB,en;q=0.9"}, "en"), ({"Accept-Language": "fr-FR, en;q=0.5"}, "en"),
        ({"Accept-Language": "fr-FR, de"}, "zh"), ({"Accept-Language": "en;q=0, zh-TW;q=0.2"}, "zh"),
        ({"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}, "zh"), ({"Accept-Language": "de;q=0.9, en;q=0.8, zh;q=0.1"}, "en"),
    ):
        http.cookies.clear()
        assert (await language_of(header)).startswith(expected), header
    http.cookies.clear()
    assert (await language_of({"Accept-Language": "zh-CN"}, "/catalogue?lang=en")).startswith("en")
    assert (await language_of({"Accept-Language": "zh-CN"})).startswith("en"), "the session keeps what was asked for"
    missing = await http.get("/no-such-page", headers={"Accept-Language": "zh-CN"})
    assert "There is no page at this address" in shown_error(missing)


async def test_the_account_language_holds_at_sign_in_unless_the_sign_in_page_was_just_switched(stack, sessions):
    http = stack.http
    person = await a_new_proposer(sessions)
    await sign_in(http, person, "zh")
    account = await http.get("/account")
    assert (await post_form(http, account, "/account/language", language="en")).status_code == 303
    await post_form(http, await http.get("/inbox"), "/logout")

    http.cookies.clear()  # another day: the sign-in page in the browser's Chinese, the pages in English
    page = await http.get("/login", headers={"Accept-Language": "zh-CN"})
    signed_in = await http.post("/login", data={"username": person, "password": DEMO_PASSWORD,
                                                "csrf_token": hidden_field(page, "csrf_token")})
    assert signed_in.status_code == 303
    assert '<html lang="en"' in (await http.get("/inbox", headers={"Accept-Language": "zh-CN"})).text

    await post_form(http, await http.get("/inbox"), "/logout")
    await sign_in(http, person, "zh")  # switched to 中文 on the sign-in page: that choice wins for this visit
    assert '<html lang="zh' in (await http.get("/inbox")).text
    await post_form(http, await http.get("/inbox"), "/logout")

    # Signing out does not hand this visit's choice to the next person at the same browser.
    page = await http.get("/login")
    await http.post("/login", data={"username": person, "password": DEMO_PASSWORD,
                                    "csrf_token": hidden_field(page, "csrf_token")})
    assert '<html lang="en"' in (await http.get("/inbox")).text
