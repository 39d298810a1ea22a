"""A proposal through submission, screening, return, revision and acceptance, over HTTP with two users."""

import asyncio

from tests.helpers import audit_actions, create_proposal, inbox


async def test_proposal_returned_revised_and_accepted(stack):
    http = stack.http
    proposer = await stack.login("li.wei")
    secretary = await stack.login("wang.fang")

    project = await create_proposal(http, proposer)
    pid = project["id"]
    assert (project["stage"], project["status"]) == ("proposal", "draft")

    edited = await http.patch(f"/api/v1/projects/{pid}", json={"scope": "Open data interfaces, v2."}, headers=proposer)
    assert edited.status_code == 200 and edited.json()["scope"] == "Open data interfaces, v2."
    assert await inbox(http, secretary, pid) == []

    submitted = await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)
    assert submitted.status_code == 200, submitted.text
    assert (submitted.json()["stage"], submitted.json()["status"]) == ("committee_review", "active")
    screening = await inbox(http, secretary, pid)
    assert [t["kind"] for t in screening] == ["screen_proposal"]
    assert await inbox(http, proposer, pid) == []
    assert await audit_actions(http, proposer, pid) == ["project.created", "project.updated", "project.submitted"]

    task_id = screening[0]["id"]
    claimed = await http.post(f"/api/v1/tasks/{task_id}/claim", headers=secretary)
    assert claimed.status_code == 200 and claimed.json()["state"] == "claimed"
    returned = await http.post(
        f"/api/v1/tasks/{task_id}/complete", json={"decision": "return", "reasons": "Name the data sets."},
        headers=secretary,
    )
    assert returned.status_code == 200, returned.text
    assert returned.json()["state"] == "completed"
    project = (await http.get(f"/api/v1/projects/{pid}", headers=proposer)).json()
    assert (project["stage"], project["status"], project["return_count"]) == ("proposal", "returned", 1)

    revision = await inbox(http, proposer, pid)
    assert [t["kind"] for t in revision] == ["revise_proposal"]
    assert revision[0]["context"]["reasons"] == "Name the data sets."
    assert await inbox(http, secretary, pid) == []

    edited = await http.patch(f"/api/v1/projects/{pid}", json={"scope": "Open data sets A, B and C."}, headers=proposer)
    assert edited.status_code == 200
    resubmitted = await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)
    assert resubmitted.status_code == 200, resubmitted.text
    assert (resubmitted.json()["stage"], resubmitted.json()["status"]) == ("committee_review", "active")
    assert await inbox(http, proposer, pid) == []

    second = await inbox(http, secretary, pid)
    assert [t["kind"] for t in second] == ["screen_proposal"] and second[0]["id"] != task_id
    accepted = await http.post(
        f"/api/v1/tasks/{second[0]['id']}/complete", json={"decision": "accept"}, headers=secretary
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["outcome"]["step"] == "ballot"
    project = (await http.get(f"/api/v1/projects/{pid}", headers=secretary)).json()
    assert (project["stage"], project["step"], project["status"]) == ("committee_review", "ballot", "active")
    actions = await audit_actions(http, proposer, pid)
    assert actions[:7] == [
        "project.created", "project.updated", "project.submitted", "proposal.returned",
        "project.updated", "project.resubmitted", "proposal.accepted",
    ]
    assert set(actions[7:]) <= {"ballot.opened"}  # the committee's ballot opens right after


async def test_completing_twice_is_idempotent_and_a_different_decision_conflicts(stack):
    http = stack.http
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    pid = (await create_proposal(http, proposer))["id"]
    await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)
    task_id = (await inbox(http, secretary, pid))[0]["id"]

    decision = {"decision": "return", "reasons": "Too broad."}
    first, again = await asyncio.gather(
        http.post(f"/api/v1/tasks/{task_id}/complete", json=decision, headers=secretary),
        http.post(f"/api/v1/tasks/{task_id}/complete", json=decision, headers=secretary),
    )
    assert first.status_code == again.status_code == 200, (first.text, again.text)
    assert first.json() == again.json()
    later = await http.post(f"/api/v1/tasks/{task_id}/complete", json=decision, headers=secretary)
    assert later.json() == first.json()

    other = await http.post(f"/api/v1/tasks/{task_id}/complete", json={"decision": "accept"}, headers=secretary)
    assert other.status_code == 409
    assert "another decision" in other.json()["detail"]
    assert (await audit_actions(http, proposer, pid)).count("proposal.returned") == 1
