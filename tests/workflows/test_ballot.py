"""The committee ballot as a workflow: on Temporal's time-skipping server a ballot closes on its
deadline, members who never voted have their tasks expire and recusals leave the eligible count; on
the dev server the project's workflow runs it itself, and the acceptance answers once it is open. The
ballot workflow of its own (how ballots ran before) runs the time-skipping cases. The helpers here serve
tests/api/test_ballots.py too."""

from datetime import timedelta

import pytest
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError

from contracts.policy import BallotPolicy
from tests.helpers import audit_actions, create_proposal, inbox
from workflows.ballot.workflow import BallotInput, BallotResult, BallotWorkflow

MEMBERS = ["chen.jie", "liu.yang", "zhao.lei", "sun.li", "zhou.hui"]


async def submitted_project(stack) -> str:
    """A proposal submitted to the committee and waiting for screening: its own workflow runs no ballot
    yet, so the one a test starts is the project's only ballot."""
    proposer = await stack.login("li.wei")
    pid = (await create_proposal(stack.http, proposer))["id"]
    submitted = await stack.http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)
    assert submitted.status_code == 200, submitted.text
    return pid


async def start_ballot(stack, pid: str) -> WorkflowHandle:
    """Start the ballot workflow on its own, with the input the project's workflow would give its
    child, and wait until it waits for votes."""
    headers = await stack.login("wang.fang")
    project = (await stack.http.get(f"/api/v1/projects/{pid}", headers=headers)).json()
    committees = (await stack.http.get("/api/v1/committees", headers=headers)).json()
    committee = next(c for c in committees if c["id"] == project["committee_id"])
    ballot = BallotInput(project_id=pid, committee_id=committee["id"], committee_org_id=committee["org_id"],
                         purpose="new_work_item", rules=BallotPolicy())
    client: Client = stack.worker.client
    handle = await client.start_workflow(
        BallotWorkflow.run, ballot, id=f"ballot-{pid}-test", task_queue=stack.settings.task_queue
    )
    await handle.execute_update(BallotWorkflow.settled)
    return handle


async def vote(stack, username: str, pid: str, decision: dict):
    headers = await stack.login(username)
    task = (await inbox(stack.http, headers, pid, kind="ballot_vote"))[0]
    return await stack.http.post(f"/api/v1/tasks/{task['id']}/complete", json=decision, headers=headers)


async def ballot_of(stack, pid: str, username: str = "wang.fang") -> dict:
    response = await stack.http.get(f"/api/v1/projects/{pid}/ballots", headers=await stack.login(username))
    assert response.status_code == 200, response.text
    [ballot] = response.json()
    return ballot


async def test_a_ballot_short_of_votes_closes_on_its_deadline_and_fails(skipping_stack, time_skipping_env):
    stack = skipping_stack
    pid = await submitted_project(stack)
    handle = await start_ballot(stack, pid)
    for member in MEMBERS[:3]:
        voted = await vote(stack, member, pid, {"decision": "approve"})
        assert voted.status_code == 200, voted.text

    ballot = await ballot_of(stack, pid)
    assert (ballot["state"], ballot["voters"], ballot["voted"], ballot["tally"]) == ("open", 5, 3, None)

    await time_skipping_env.sleep(timedelta(days=14))
    result: BallotResult = await handle.result()
    assert (result.passed, result.eligible, result.approve, result.reason) == (False, 5, 3, "too few members voted")

    ballot = await ballot_of(stack, pid)
    assert (ballot["state"], ballot["passed"]) == ("closed", False)
    assert ballot["tally"]["participation"] == 0.6
    secretary = await stack.login("wang.fang")
    expired = await inbox(stack.http, secretary, pid, kind="ballot_vote", state="expired")
    assert sorted(v["display_name"] for v in ballot["votes"] if v["state"] == "expired") == ["周慧", "孙丽"]
    assert sorted(t["id"] for t in expired) == sorted(v["task_id"] for v in ballot["votes"] if v["decision"] is None)

    zhou = next(v for v in ballot["votes"] if v["display_name"] == "周慧")
    late = await stack.http.post(f"/api/v1/tasks/{zhou['task_id']}/complete", json={"decision": "approve"},
                                 headers=await stack.login("zhou.hui"))
    assert (late.status_code, late.json()["detail"]) == (409, "this task is expired")


async def test_a_recusal_leaves_the_eligible_count(skipping_stack, time_skipping_env):
    stack = skipping_stack
    pid = await submitted_project(stack)
    handle = await start_ballot(stack, pid)
    recused = await vote(stack, "chen.jie", pid, {"decision": "recuse", "comment": "my employer co-drafts"})
    assert recused.status_code == 200, recused.text
    for member in ["liu.yang", "zhao.lei", "sun.li"]:
        assert (await vote(stack, member, pid, {"decision": "approve"})).status_code == 200

    await time_skipping_env.sleep(timedelta(days=14))
    result: BallotResult = await handle.result()
    assert (result.passed, result.eligible, result.recused, result.approve) == (True, 4, 1, 3)

    ballot = await ballot_of(stack, pid)
    assert ballot["tally"] == {
        "eligible": 4, "approve": 3, "disapprove": 0, "abstain": 0, "recused": 1,
        "participation": 0.75, "approval": 1.0, "disapproval": 0.0, "passed": True, "reason": "passed",
    }
    by_member = {v["display_name"]: (v["state"], v["decision"], v["comment"]) for v in ballot["votes"]}
    assert by_member["陈杰"] == ("completed", "recuse", "my employer co-drafts")
    assert by_member["周慧"] == ("expired", None, "")


async def test_the_projects_workflow_runs_its_ballot_and_the_acceptance_answers_once_it_is_open(stack):
    http = stack.http
    pid = await submitted_project(stack)
    secretary = await stack.login("wang.fang")
    [screening] = await inbox(http, secretary, pid, kind="screen_proposal")
    accepted = await http.post(f"/api/v1/tasks/{screening['id']}/complete", json={"decision": "accept"},
                               headers=secretary)
    assert accepted.status_code == 200, accepted.text

    # No wait: every member's vote task is there when the acceptance answers, and each vote's answer
    # finds it counted; the last one finds the ballot closed and the project in drafting.
    for member in MEMBERS:
        assert [t["kind"] for t in await inbox(http, await stack.login(member), pid, kind="ballot_vote")] == \
            ["ballot_vote"]
    for member in MEMBERS:
        assert (await vote(stack, member, pid, {"decision": "approve"})).status_code == 200
    ballot = await ballot_of(stack, pid)
    assert (ballot["state"], ballot["purpose"], ballot["passed"], ballot["tally"]["approve"]) == (
        "closed", "new_work_item", True, 5)
    project = await http.get(f"/api/v1/projects/{pid}", headers=secretary)
    assert project.json()["stage"] == "drafting"
    # No ballot workflow of its own: the project's took the votes and wrote their audit events.
    with pytest.raises(RPCError, match="not found"):
        await stack.worker.client.get_workflow_handle(f"ballot-{pid}-new-work-item").describe()
    actions = await audit_actions(http, await stack.login("li.wei"), pid)
    assert actions.index("ballot.opened") < actions.index("ballot.closed")
