"""Deadlines on Temporal's time-skipping server: the screening task is due 14 days after submission;
its secretary is reminded 3 days and 1 day before, and at the deadline the committee's secretaries
get an escalation notice and an overdue task to acknowledge."""

import asyncio
from datetime import timedelta

import pytest

from tests.helpers import audit_actions, create_proposal, inbox


@pytest.fixture
async def submitted_ids(time_skipping_env):
    """Projects a test submits. A workflow left waiting would fire its timers on the shared test
    server after this test's worker is gone and hold that server's clock still, so each is ended."""
    ids: list[str] = []
    yield ids
    for pid in ids:
        await time_skipping_env.client.get_workflow_handle(f"project-{pid}").terminate("the test is over")


async def notices(stack, headers: dict, project_id: str) -> list[dict]:
    response = await stack.http.get("/api/v1/notifications", params={"project_id": project_id}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def notices_until(stack, headers: dict, project_id: str, count: int, seconds: float = 30) -> list[dict]:
    """The project's notices once there are `count` of them: the worker writes them just after a timer fires."""
    for _ in range(int(seconds / 0.2)):
        items = await notices(stack, headers, project_id)
        if len(items) >= count:
            return items
        await asyncio.sleep(0.2)
    raise AssertionError(f"expected {count} notices, have {[n['kind'] for n in items]}")


async def submitted(stack, proposer: dict, secretary: dict, ids: list[str]) -> tuple[str, dict]:
    pid = (await create_proposal(stack.http, proposer))["id"]
    ids.append(pid)
    response = await stack.http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)
    assert response.status_code == 200, response.text
    [screening] = await inbox(stack.http, secretary, pid)
    return pid, screening


async def test_reminders_before_the_deadline_and_escalation_after_it(skipping_stack, time_skipping_env, submitted_ids):
    stack, http = skipping_stack, skipping_stack.http
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    pid, screening = await submitted(stack, proposer, secretary, submitted_ids)
    [assigned] = await notices_until(stack, secretary, pid, 1)
    assert (assigned["kind"], assigned["task_id"]) == ("assigned", screening["id"])
    assert assigned["subject_zh"].startswith("新任务：立项初审")

    await time_skipping_env.sleep(timedelta(days=11))
    first = (await notices_until(stack, secretary, pid, 2))[0]
    assert first["kind"] == "reminder" and "还有 3 天到期" in first["subject_zh"]
    assert first["subject_en"].startswith("Reminder: Screen the proposal is due in 3 days")
    assert await inbox(http, secretary, pid, kind="overdue_task") == []

    await time_skipping_env.sleep(timedelta(days=2))
    second = (await notices_until(stack, secretary, pid, 3))[0]
    assert second["kind"] == "reminder" and "due in 1 day" in second["subject_en"]

    await time_skipping_env.sleep(timedelta(days=1))
    escalation = (await notices_until(stack, secretary, pid, 4))[0]
    assert escalation["kind"] == "escalation" and escalation["task_id"] == screening["id"]
    assert escalation["subject_zh"].startswith("逾期：立项初审已过期限")
    assert await notices(stack, proposer, pid) == []
    [overdue] = await inbox(http, secretary, pid, kind="overdue_task")
    assert overdue["context"]["task_id"] == screening["id"] and overdue["due_at"] is None
    assert sorted(t["kind"] for t in await inbox(http, secretary, pid)) == ["overdue_task", "screen_proposal"]

    acknowledged = await http.post(f"/api/v1/tasks/{overdue['id']}/complete",
                                   json={"decision": "acknowledge", "note": "Screening at Monday's meeting."},
                                   headers=secretary)
    assert acknowledged.status_code == 200, acknowledged.text
    assert acknowledged.json()["state"] == "completed"
    assert [t["kind"] for t in await inbox(http, secretary, pid)] == ["screen_proposal"]
    actions = await audit_actions(http, secretary, pid)
    assert actions[-2:] == ["task.overdue", "task.overdue_acknowledged"]


async def test_a_task_completed_before_its_reminder_gets_none(skipping_stack, time_skipping_env, submitted_ids):
    stack, http = skipping_stack, skipping_stack.http
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    done_pid, done_task = await submitted(stack, proposer, secretary, submitted_ids)
    open_pid, _ = await submitted(stack, proposer, secretary, submitted_ids)
    await notices_until(stack, secretary, done_pid, 1)
    returned = await http.post(f"/api/v1/tasks/{done_task['id']}/complete",
                               json={"decision": "return", "reasons": "Name the data sets."}, headers=secretary)
    assert returned.status_code == 200, returned.text

    await time_skipping_env.sleep(timedelta(days=15))
    # The other project's screening was opened at the same time and stayed open: once its
    # escalation has arrived, any reminder of the completed one would have arrived too.
    await notices_until(stack, secretary, open_pid, 4)
    about_done = [n["kind"] for n in await notices(stack, secretary, done_pid) if n["task_id"] == done_task["id"]]
    assert about_done == ["assigned"]
    assert await inbox(http, secretary, done_pid, kind="overdue_task") == []
