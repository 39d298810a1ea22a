"""A new-work-item ballot over HTTP on a real Temporal dev server: five members vote from their inboxes,
the secretary follows every vote, the ballot closes once all have voted, and readers see the tally."""

from tests.helpers import audit_actions, inbox
from tests.workflows.test_ballot import MEMBERS, submitted_project, ballot_of, start_ballot, vote


async def test_committee_votes_a_new_work_item_through(stack):
    http = stack.http
    pid = await submitted_project(stack)
    handle = await start_ballot(stack, pid)
    secretary = await stack.login("wang.fang")

    member_ids = set()
    for member in MEMBERS:
        [task] = await inbox(http, await stack.login(member), pid)
        assert (task["kind"], task["state"]) == ("ballot_vote", "open")
        assert task["title_en"] == "Vote in the committee ballot"
        member_ids.add(task["assignee_id"])
    followed = await inbox(http, secretary, pid, kind="ballot_vote")
    assert {t["assignee_id"] for t in followed} == member_ids and len(followed) == 5

    ballot = await ballot_of(stack, pid)
    assert (ballot["state"], ballot["purpose"], ballot["voters"], ballot["voted"]) == ("open", "new_work_item", 5, 0)
    assert {t["due_at"] for t in followed} == {ballot["closes_at"]}

    bad = await vote(stack, "chen.jie", pid, {"decision": "yes"})
    assert bad.status_code == 422
    assert [e["loc"] for e in bad.json()["detail"]] == [["body", "decision"]]
    assert (await ballot_of(stack, pid))["voted"] == 0

    assert (await vote(stack, "chen.jie", pid, {"decision": "approve", "comment": "Needed."})).status_code == 200
    again = await vote_on_completed(stack, "chen.jie", pid, {"decision": "approve", "comment": "Needed."})
    assert again.status_code == 200 and again.json()["decision"]["decision"] == "approve"
    changed = await vote_on_completed(stack, "chen.jie", pid, {"decision": "disapprove"})
    assert changed.status_code == 409 and "another decision" in changed.json()["detail"]

    while_open = await ballot_of(stack, pid, "chen.jie")
    assert (while_open["voted"], while_open["tally"], while_open["votes"]) == (1, None, None)
    seen_by_secretary = {v["display_name"]: v["decision"] for v in (await ballot_of(stack, pid))["votes"]}
    assert seen_by_secretary == {"陈杰": "approve", "刘洋": None, "赵磊": None, "孙丽": None, "周慧": None}

    for member, choice in [("liu.yang", "approve"), ("zhao.lei", "approve"), ("sun.li", "approve"),
                           ("zhou.hui", "disapprove")]:
        voted = await vote(stack, member, pid, {"decision": choice})
        assert voted.status_code == 200, voted.text
    result = await handle.result()
    assert (result.passed, result.approve, result.disapprove, result.eligible) == (True, 4, 1, 5)

    closed = await ballot_of(stack, pid, "li.wei")
    assert (closed["state"], closed["passed"], closed["voted"], closed["votes"]) == ("closed", True, 5, None)
    assert closed["tally"] == {
        "eligible": 5, "approve": 4, "disapprove": 1, "abstain": 0, "recused": 0,
        "participation": 1.0, "approval": 0.8, "disapproval": 0.2, "passed": True, "reason": "passed",
    }
    by_id = await http.get(f"/api/v1/ballots/{closed['id']}", headers=secretary)
    assert by_id.status_code == 200
    assert {v["display_name"]: v["decision"] for v in by_id.json()["votes"]}["周慧"] == "disapprove"
    done = await inbox(http, secretary, pid, kind="ballot_vote", state="completed")
    assert sorted(t["decision"]["decision"] for t in done) == ["approve"] * 4 + ["disapprove"]

    actions = await audit_actions(http, secretary, pid)
    assert actions[-7:] == ["ballot.opened", *["ballot.voted"] * 5, "ballot.closed"]


async def test_a_ballot_is_hidden_from_organisations_not_involved(stack):
    pid = await submitted_project(stack)
    await start_ballot(stack, pid)
    ballot_id = (await ballot_of(stack, pid))["id"]
    outsider = await stack.login("lin.tao")
    assert (await stack.http.get(f"/api/v1/ballots/{ballot_id}", headers=outsider)).status_code == 404
    assert (await stack.http.get(f"/api/v1/projects/{pid}/ballots", headers=outsider)).status_code == 404
    assert (await stack.http.get(f"/api/v1/ballots/{ballot_id}")).status_code == 401


async def vote_on_completed(stack, username: str, pid: str, decision: dict):
    headers = await stack.login(username)
    [task] = await inbox(stack.http, headers, pid, kind="ballot_vote", state="completed")
    return await stack.http.post(f"/api/v1/tasks/{task['id']}/complete", json=decision, headers=headers)
