"""An escalation on Temporal's time-skipping server: the secretary who gets it sees the late task, who
holds it and since when it is due; reminds its holders (at most once an hour); gives it to another
secretary; and the escalation closes itself once the late task is done."""

import re
from datetime import timedelta

import httpx

from tests.api.test_concurrency import a_second_secretary
from tests.api.test_pages import post_form, sign_in
from tests.helpers import audit_actions, eventually, inbox
from tests.workflows.histories import replayer
from tests.workflows.test_deadlines import notices, notices_until, submitted, submitted_ids  # noqa: F401 - fixture


async def escalated(stack, env, ids: list[str], sessions) -> tuple[str, dict, dict, dict, str]:
    """A project whose screening passed its deadline: its id, the screening, the overdue task, and the
    headers of the committee's secretary and of a second secretary of the same association."""
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    deputy_name = await a_second_secretary(sessions)
    pid, screening = await submitted(stack, proposer, secretary, ids)
    await notices_until(stack, secretary, pid, 1)
    await env.sleep(timedelta(days=15))
    await notices_until(stack, secretary, pid, 4)
    [overdue] = await inbox(stack.http, secretary, pid, kind="overdue_task")
    return pid, screening, overdue, secretary, deputy_name


async def test_a_secretary_reminds_reassigns_and_the_escalation_closes_with_the_late_task(
    skipping_stack, time_skipping_env, submitted_ids, sessions
):
    stack, http = skipping_stack, skipping_stack.http
    pid, screening, overdue, secretary, deputy_name = await escalated(stack, time_skipping_env, submitted_ids, sessions)
    deputy, proposer = await stack.login(deputy_name), await stack.login("li.wei")

    seen = await http.get(f"/api/v1/escalations/{overdue['id']}", headers=secretary)
    assert seen.status_code == 200, seen.text
    facts = seen.json()
    assert (facts["late_task_id"], facts["late_title_zh"], facts["due_at"]) == (
        screening["id"], "立项初审", screening["due_at"])
    assert facts["assignee"] is None and facts["candidate_role"] == "secretary"
    assert {p["display_name"] for p in facts["holders"]} == {"王芳", "副秘书长"}
    assert (await http.get(f"/api/v1/escalations/{overdue['id']}", headers=proposer)).status_code == 404

    reminded = await http.post(f"/api/v1/escalations/{overdue['id']}/remind", headers=secretary)
    assert reminded.status_code == 200, reminded.text
    assert reminded.json()["last_reminded_at"] is not None
    [reminder] = [n for n in await notices(stack, deputy, pid) if n["subject_zh"].startswith("催办：")]
    assert reminder["subject_zh"].startswith("催办：立项初审已于") and reminder["task_id"] == screening["id"]
    assert reminder["kind"] == "reminder" and reminder["body"].endswith(f"/tasks/{screening['id']}")
    again = await http.post(f"/api/v1/escalations/{overdue['id']}/remind", headers=secretary)
    assert again.status_code == 409 and "the next may go after" in again.json()["detail"]

    not_a_secretary = await http.post(f"/api/v1/escalations/{overdue['id']}/reassign", headers=secretary,
                                      json={"user_id": await _user_id(http, proposer)})
    assert not_a_secretary.status_code == 422, not_a_secretary.text
    deputy_id = await _user_id(http, deputy)  # other tests' second secretaries share the name 副秘书长
    assert deputy_id in {p["id"] for p in facts["candidates"]}
    given = await http.post(f"/api/v1/escalations/{overdue['id']}/reassign", headers=secretary,
                            json={"user_id": deputy_id})
    assert given.status_code == 200, given.text
    assert given.json()["assignee"]["display_name"] == "副秘书长"
    [held] = await inbox(http, deputy, pid, kind="screen_proposal")
    assert (held["state"], held["assignee_id"]) == ("claimed", deputy_id)
    assigned = [n for n in await notices(stack, deputy, pid) if n["kind"] == "assigned"]
    assert any(n["task_id"] == screening["id"] for n in assigned)

    done = await http.post(f"/api/v1/tasks/{screening['id']}/complete", json={"decision": "accept"}, headers=deputy)
    assert done.status_code == 200, done.text
    closed = await eventually(lambda: _task(http, secretary, overdue["id"]), lambda t: t["state"] != "open")
    assert closed["state"] == "cancelled"
    actions = await audit_actions(http, secretary, pid)
    assert {"task.overdue_reminded", "task.reassigned", "task.overdue_closed"} <= set(actions)
    late = await http.post(f"/api/v1/escalations/{overdue['id']}/remind", headers=secretary)
    assert late.status_code == 409

    # The run that closed the escalation itself (under its patch) replays against today's code.
    history = await time_skipping_env.client.get_workflow_handle(f"project-{pid}").fetch_history()
    assert (await replayer().replay_workflow(history, raise_on_replay_failure=False)).replay_failure is None


async def test_the_escalation_page_shows_the_late_task_and_its_actions(
    skipping_stack, time_skipping_env, submitted_ids, sessions
):
    stack = skipping_stack
    pid, screening, overdue, _, _ = await escalated(stack, time_skipping_env, submitted_ids, sessions)
    transport = stack.http._transport
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        await sign_in(browser, "wang.fang", "zh")
        page = await browser.get(f"/tasks/{overdue['id']}")
        assert page.status_code == 200
        assert "逾期的任务" in page.text and f'href="/tasks/{screening["id"]}"' in page.text
        assert f'href="/projects/{pid}"' in page.text and "尚无人认领，由上海数字城市产业协会的" in page.text
        assert "副秘书长" in page.text and "王芳" in page.text
        reminded = await post_form(browser, page, f"/tasks/{overdue['id']}/remind")
        assert reminded.status_code == 303
        shown = await browser.get(reminded.headers["location"])
        assert "已向经办人发送催办通知。" in shown.text and "上次催办" in shown.text
        assert re.search(r'<button type="submit" class="secondary" disabled>催办</button>', shown.text)
        refused = await post_form(browser, shown, f"/tasks/{overdue['id']}/reassign", user_id="not-a-person")
        assert refused.status_code == 422 and "请选择改派给谁" in refused.text


async def _task(http: httpx.AsyncClient, headers: dict, task_id: str) -> dict:
    response = await http.get(f"/api/v1/tasks/{task_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _user_id(http: httpx.AsyncClient, headers: dict) -> str:
    response = await http.get("/api/v1/me", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["id"]
