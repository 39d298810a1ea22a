"""A completion answers once what it leads to is written. Straight after each answer, with no wait and no
retry: the project's stage and step and its open tasks, as the database holds them, are those of the
workflow (its state query), and the people the step turns to find their tasks in their inboxes.

One group standard goes through every kind of task a project asks of people on its way: a co-drafter's
consent, a returned proposal and its resubmission, the ballot, the consultation draft (after which
anyone comments at once), an escalation acknowledged, the dispositions, the panel with a conflict and
a replacement, revisions returned and accepted, the approval, the pilot's enrolment, plan and reports,
the evaluation, the periodic review, and a coordination request answered and acknowledged."""

from datetime import date, timedelta

import pytest
from sqlmodel import select
from temporalio.client import Client

from services.db import session_factory, transaction
from services.tasks.models import ACTIVE_STATES, Task
from tests.helpers import org_id, shorten_calendar
from tests.journey import EXPERTS, MEMBERS, Journey, People
from tests.services.draft_samples import pdf

pytestmark = pytest.mark.timeout(420)

FIFTH_EXPERT = "guo.tao"
PANEL = [e for e in EXPERTS if e != FIFTH_EXPERT]


class WrittenFirst(Journey):
    """A journey that, after every completion, reads what the step must have written — at once."""

    client: Client
    engine: object
    completed: list[str]

    def __init__(self, people: People, client: Client, engine: object) -> None:
        super().__init__(people)
        self.client, self.engine, self.completed = client, engine, []

    async def complete(self, username: str, kind: str, decision: dict) -> dict:
        answer = await super().complete(username, kind, decision)
        self.completed.append(kind)
        await self.agrees_with_workflow(f"{username} {kind}")
        return answer

    async def agrees_with_workflow(self, after: str) -> None:
        project = await self.project("wang.fang")
        async with transaction(session_factory(self.engine), read_only=True) as session:
            rows = await session.exec(select(Task.id).where(
                Task.workflow_id == f"project-{self.project_id}", Task.state.in_(ACTIVE_STATES)))
            written = {str(task_id) for task_id in rows}
        state = await self.client.get_workflow_handle(f"project-{self.project_id}").query("state")
        assert (project["stage"], project["step"]) == (state["stage"], state["step"]), after
        assert written == {str(t["id"]) for t in state["open_tasks"]}, after

    async def inbox_has(self, username: str, kind: str) -> dict:
        """The user's task of that kind, read once."""
        found = await self.tasks(username, kind)
        assert [t["kind"] for t in found] == [kind], f"{username} has no {kind} yet"
        return found[0]

    async def upload(self, username: str, label: str) -> str:
        draft = await self.http.post(
            f"/api/v1/projects/{self.project_id}/drafts", headers=await self.people(username),
            files={"file": (f"{label}.pdf", pdf(), "application/pdf")}, data={"label": label},
        )
        assert draft.status_code == 201, draft.text
        return draft.json()["id"]


async def requests_tasks(stack, username: str, kind: str, request_id: str) -> list[dict]:
    """The user's open tasks of that kind about the coordination request, read once."""
    response = await stack.http.get("/api/v1/tasks", params={"kind": kind}, headers=await stack.login(username))
    assert response.status_code == 200, response.text
    return [t for t in response.json()["items"] if t["context"].get("request_id") == request_id]


@pytest.fixture
def calendar(stack, monkeypatch):
    """One policy day is a second; the dispositions fall due two days after the consultation closes,
    so their escalation comes while the proposer is still at them; a panel of four, so that the demo's
    fifth expert can fill a seat."""
    shorten_calendar(stack.settings, monkeypatch, review_interval_years=0, disposition_days=2,
                     reminder_offsets_days=[], panel={"min_size": 4, "opinion_days": 600})
    return stack


async def test_every_completion_answers_once_its_step_is_written(calendar, temporal_client, engine):
    stack = calendar
    j = WrittenFirst(People(stack.http), temporal_client, engine)
    proposer = "li.wei"
    co_drafter = await org_id(stack.http, await j.people(proposer), "XUHUI")

    # A co-drafter's consent is on the project as soon as the admin's answer comes.
    await j.propose(proposer, co_drafting_org_ids=[co_drafter])
    assert (await j.project(proposer))["co_drafting_org_ids"] == [co_drafter]

    # Returned, resubmitted, accepted: each answer finds the next person's task in place.
    await j.complete("wang.fang", "screen_proposal", {"decision": "return", "reasons": "Say which districts."})
    await j.inbox_has(proposer, "revise_proposal")
    await j.complete(proposer, "revise_proposal", {"decision": "resubmit"})
    await j.inbox_has("wang.fang", "screen_proposal")
    await j.complete("wang.fang", "screen_proposal", {"decision": "accept", "comment": "In scope."})
    for member in MEMBERS:
        await j.inbox_has(member, "ballot_vote")
    ballots = (await stack.http.get(f"/api/v1/projects/{j.project_id}/ballots",
                                    headers=await j.people("wang.fang"))).json()
    assert [b["closed_at"] for b in ballots] == [None]

    for member in MEMBERS:
        await j.complete(member, "ballot_vote", {"decision": "approve", "comment": ""})
    assert (await j.project())["stage"] == "drafting"
    await j.inbox_has(proposer, "submit_consultation_draft")

    # The consultation is open the moment the submission answers: anyone reads the project and comments.
    draft_id = await j.upload(proposer, "consultation")
    await j.complete(proposer, "submit_consultation_draft", {"decision": "submit", "draft_id": draft_id})
    reader = await j.people("zhang.min")
    read = await stack.http.get(f"/api/v1/projects/{j.project_id}", headers=reader)
    assert read.status_code == 200 and read.json()["stage"] == "public_consultation", read.text
    commented = await stack.http.post(f"/api/v1/projects/{j.project_id}/comments", headers=reader,
                                      json={"clause": "5.2", "comment": "明确鉴权方式。", "proposed_change": ""})
    assert commented.status_code == 201, commented.text

    # The dispositions fall due; the secretary acknowledges the escalation before the proposer finishes.
    await j.task(proposer, "dispose_comments")
    await j.task("wang.fang", "overdue_task", seconds=30)
    await j.complete("wang.fang", "overdue_task", {"decision": "acknowledge", "note": "Reminded them."})
    await j.dispose_all(proposer)
    assert (await j.project())["stage"] == "expert_demonstration"
    await j.inbox_has("wang.fang", "form_panel")

    # The panel: every expert's task is there when forming it answers; a conflict leaves a seat to fill.
    expert_ids = [await j.people.id(e) for e in PANEL]
    await j.complete("wang.fang", "form_panel", {"decision": "form", "expert_ids": expert_ids})
    for expert in PANEL:
        await j.inbox_has(expert, "panel_opinion")
    leaving, *staying = PANEL
    await j.complete(leaving, "panel_opinion", {"decision": "declare_conflict", "details": "我参与了起草。"})
    await j.inbox_has("wang.fang", "replace_expert")
    await j.complete("wang.fang", "replace_expert",
                     {"decision": "replace", "expert_id": await j.people.id(FIFTH_EXPERT)})
    await j.inbox_has(FIFTH_EXPERT, "panel_opinion")
    opinions = dict(zip([*staying, FIFTH_EXPERT], ["pass", "pass", "pass_with_revisions", "pass"]))
    for expert, opinion in opinions.items():
        await j.complete(expert, "panel_opinion", {"decision": opinion, "comments": "符合要求。", "conflicts": "none"})
    await j.inbox_has(proposer, "submit_revised_draft")

    await j.complete(proposer, "submit_revised_draft", {"decision": "submit", "draft_id": await j.upload(proposer, "approval")})
    await j.complete("wang.fang", "check_revision", {"decision": "revise", "reasons": "Clause 5.2 lacks error codes."})
    await j.inbox_has(proposer, "submit_revised_draft")
    await j.complete(proposer, "submit_revised_draft", {"decision": "submit", "draft_id": await j.upload(proposer, "approval")})
    await j.complete("wang.fang", "check_revision", {"decision": "accept"})
    assert (await j.project())["stage"] == "publication"
    await j.inbox_has("ma.rui", "approve_publication")

    # Published: the number is in the catalogue and the pilot's enrolment waits, at once.
    await j.approve("ma.rui")
    number = (await j.project())["number"]
    catalogue = await stack.http.get("/api/v1/catalog", params={"q": number})
    assert [e["number"] for e in catalogue.json()["items"]] == [number]
    await j.inbox_has("wang.fang", "enrol_pilot_sites")
    await j.enrol("wang.fang", ["PUDONG"])
    await j.inbox_has("lin.tao", "pilot_plan")
    await j.plan("lin.tao")
    await j.report_until_final(["lin.tao"], seconds=120)
    await j.task("liang.hong", "evaluate_implementation")
    await j.agrees_with_workflow("the pilot's reports")
    await j.evaluate("liang.hong")
    await j.inbox_has("wang.fang", "periodic_review")
    await j.complete("wang.fang", "periodic_review", {"decision": "revise", "reasons": "New interfaces."})
    assert (await j.project())["status"] != "withdrawn"

    # A coordination request: the answer is back with its sender at once.
    sender = await j.people("gao.yan")
    sent = await stack.http.post("/api/v1/coordination-requests", headers=sender, json={
        "to_org_id": await org_id(stack.http, sender, "SHEITC"), "subject": "接口目录",
        "body": "请提供已开放接口的目录。", "due_date": (date.today() + timedelta(days=14)).isoformat(),
    })
    assert sent.status_code == 201, sent.text
    rid = sent.json()["id"]
    [answering] = await requests_tasks(stack, "luo.ming", "answer_coordination", rid)
    answered = await stack.http.post(f"/api/v1/tasks/{answering['id']}/complete", headers=await j.people("luo.ming"),
                                     json={"decision": "answer", "answer": "目录见附件。"})
    assert answered.status_code == 200, answered.text
    [back] = await requests_tasks(stack, "gao.yan", "coordination_answered", rid)
    acknowledged = await stack.http.post(f"/api/v1/tasks/{back['id']}/complete", headers=sender,
                                         json={"decision": "acknowledge"})
    assert acknowledged.status_code == 200, acknowledged.text
    request = await stack.http.get(f"/api/v1/coordination-requests/{rid}", headers=sender)
    assert request.json()["status"] == "acknowledged", request.text

    assert set(j.completed) >= {
        "screen_proposal", "revise_proposal", "ballot_vote", "submit_consultation_draft", "overdue_task",
        "dispose_comments", "form_panel", "panel_opinion", "replace_expert", "submit_revised_draft",
        "check_revision", "approve_publication", "enrol_pilot_sites", "pilot_plan", "evaluate_implementation",
        "periodic_review",
    }
