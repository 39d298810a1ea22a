"""The inbox of a pilot lead at an enterprise of their own: the kinds of task they can receive, how
many tasks each scope and kind holds, and the three sort orders, each paged by cursor."""

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest

from contracts.steps import StepSpec, TaskSpec
from services.db import transaction, utcnow
from services.demo import DEMO_PASSWORD
from services.identity.permissions import Role
from services.identity.schemas import UserCreate
from services.identity.service import create_user, grant_role
from services.organisations.schemas import OrganisationCreate
from services.organisations.service import create_organisation
from services.projects import steps
from tests.api.test_pages import sign_in


@dataclass
class Lead:
    username: str
    tasks: dict[str, str]  # name in this test → task id


# name: (kind, for the lead by name rather than offered to the role, due in days, priority), in the
# order they are created
TASKS = {
    "plan": ("pilot_plan", False, 3, 0),
    "progress": ("pilot_progress_report", True, 1, 2),
    "final": ("pilot_final_report", False, None, 5),
    "late_plan": ("pilot_plan", False, -2, 1),
    "answered": ("coordination_answered", True, 10, 0),
}
ORDERS = {
    "due": ["late_plan", "progress", "plan", "answered", "final"],  # no due date last
    "priority": ["final", "progress", "late_plan", "plan", "answered"],  # equal priorities by due date
    "age": ["plan", "progress", "final", "late_plan", "answered"],
}


@pytest.fixture
async def lead(sessions) -> Lead:
    """A pilot lead of a new enterprise, holding five tasks written as a workflow writes them."""
    code = f"INBOX{uuid.uuid4().hex[:6].upper()}"
    username = f"lead.{code.lower()}"
    async with transaction(sessions) as session:
        org = await create_organisation(session, OrganisationCreate(
            code=code, name_zh="收件箱测试企业", name_en="Inbox test enterprise", kind="enterprise"))
        user = await create_user(session, UserCreate(username=username, display_name="试点负责人",
                                                     password=DEMO_PASSWORD))
        await grant_role(session, user.id, org.id, Role.pilot_lead)
    ids = {}
    for name, (kind, by_name, days, priority) in TASKS.items():
        ids[name] = uuid.uuid4()
        async with transaction(sessions) as session:  # one step each: created in this order
            await steps.apply_step(session, StepSpec(
                id=uuid.uuid4().hex, workflow_id=f"inbox-test-{code}", project_id=None,
                open_tasks=[TaskSpec(
                    id=ids[name], kind=kind, project_id=None, priority=priority,
                    due_at=None if days is None else utcnow() + timedelta(days=days),
                    **({"assignee_id": user.id} if by_name else
                       {"candidate_org_id": org.id, "candidate_role": Role.pilot_lead.value}))],
            ))
    return Lead(username, {name: str(task_id) for name, task_id in ids.items()})


def _names(lead: Lead, ids: list[str]) -> list[str]:
    by_id = {task_id: name for name, task_id in lead.tasks.items()}
    return [by_id[task_id] for task_id in ids]


@pytest.mark.parametrize("sort", sorted(ORDERS))
async def test_each_sort_order_pages_by_cursor_in_the_same_order(stack, lead, sort):
    headers = await stack.login(lead.username)
    whole = await stack.http.get("/api/v1/tasks", params={"sort": sort}, headers=headers)
    assert whole.status_code == 200, whole.text
    assert _names(lead, [t["id"] for t in whole.json()["items"]]) == ORDERS[sort]
    paged, cursor = [], None
    for _ in range(3):
        params = {"sort": sort, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await stack.http.get("/api/v1/tasks", params=params, headers=headers)).json()
        paged += [t["id"] for t in page["items"]]
        cursor = page["next_cursor"]
    assert cursor is None and _names(lead, paged) == ORDERS[sort]


async def test_a_sort_order_other_than_due_priority_or_age_is_refused(stack, lead):
    headers = await stack.login(lead.username)
    for sort in ("-created", "created", "DUE", ""):
        response = await stack.http.get("/api/v1/tasks", params={"sort": sort}, headers=headers)
        assert response.status_code == 422, (sort, response.text)
        [error] = response.json()["detail"]
        assert error["loc"] == ["query", "sort"] and "'due', 'priority' or 'age'" in error["msg"], error
    due_cursor = (await stack.http.get("/api/v1/tasks", params={"limit": 1}, headers=headers)).json()["next_cursor"]
    other = await stack.http.get("/api/v1/tasks", params={"sort": "priority", "cursor": due_cursor}, headers=headers)
    assert other.status_code == 422 and other.json()["field"] == "cursor"


async def test_counts_per_scope_and_kind_and_the_kinds_offered(stack, lead):
    headers = await stack.login(lead.username)
    summary = await stack.http.get("/api/v1/tasks/summary", headers=headers)
    assert summary.status_code == 200, summary.text
    assert summary.json()["scopes"] == {"any": 5, "me": 2, "candidate": 3, "overdue": 1}
    # the pilot lead's three kinds, whatever they hold, and the notice they were sent by name
    assert [(k["kind"], k["count"]) for k in summary.json()["kinds"]] == [
        ("pilot_plan", 2), ("pilot_progress_report", 1), ("pilot_final_report", 1), ("coordination_answered", 1)]
    mine = (await stack.http.get("/api/v1/tasks/summary", params={"assigned": "me"}, headers=headers)).json()
    assert {k["kind"]: k["count"] for k in mine["kinds"]} == {
        "pilot_plan": 0, "pilot_progress_report": 1, "pilot_final_report": 0, "coordination_answered": 1}
    plans = (await stack.http.get("/api/v1/tasks/summary", params={"kind": "pilot_plan"}, headers=headers)).json()
    assert plans["scopes"] == {"any": 2, "me": 0, "candidate": 2, "overdue": 1}
    listed = (await stack.http.get("/api/v1/tasks", params={"assigned": "candidate"}, headers=headers)).json()
    assert len(listed["items"]) == summary.json()["scopes"]["candidate"]


async def test_the_inbox_page_shows_the_counts_the_kinds_offered_and_keeps_the_sort(stack, lead, monkeypatch):
    http = stack.http
    await sign_in(http, lead.username, "en")
    inbox = await http.get("/inbox")
    assert inbox.status_code == 200, inbox.text
    scopes = re.findall(r'data-scope="(\w+)"[^>]*>([^<]+)</a>', inbox.text)
    assert scopes == [("any", "All my tasks (5)"), ("me", "Assigned to me (2)"),
                      ("candidate", "Offered to my roles (3)"), ("overdue", "Overdue (1)")]
    kinds = re.findall(r'<option value="(\w+)" ?>([^<]+)</option>', _select(inbox.text, "kind"))
    assert kinds == [("pilot_plan", "Submit the pilot plan (2)"),
                     ("pilot_progress_report", "Submit the pilot progress report (1)"),
                     ("pilot_final_report", "Submit the pilot final report (1)"),
                     ("coordination_answered", "Your coordination request was answered (1)")]
    assert "Approve publication" not in inbox.text and "Screen the proposal" not in inbox.text

    chinese = await http.get("/inbox?assigned=me&lang=zh")
    assert "分配给我的 (2)" in chinese.text and "已逾期 (1)" in chinese.text and "提交试点方案 (0)" in chinese.text
    assert 'data-scope="me" aria-current="page"' in chinese.text

    monkeypatch.setattr("api.web.pages_inbox.PAGE_SIZE", 2)
    seen, url = [], "/inbox?sort=priority&lang=en"
    while url:
        page = await http.get(url)
        assert 'option value="priority" selected' in page.text
        seen += re.findall(r'data-task="([0-9a-f-]+)"', page.text)
        found = re.search(r'<a rel="next" href="([^"]+)">', page.text)
        url = found and found.group(1).replace("&amp;", "&")
    assert _names(lead, seen) == ORDERS["priority"]


def _select(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}">(.*?)</select>', html, re.S).group(1)
