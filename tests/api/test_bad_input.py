"""Bad input gets a 4xx that says what is wrong, and changes nothing."""

import uuid

from tests.helpers import PROPOSAL, committee_id, create_proposal, inbox


async def test_a_proposal_missing_required_fields_names_them(stack):
    proposer = await stack.login("li.wei")
    before = (await stack.http.get("/api/v1/projects", headers=proposer)).json()
    response = await stack.http.post(
        "/api/v1/projects", json={"title_zh": "只有标题", "standard_type": "group"}, headers=proposer
    )
    assert response.status_code == 422
    missing = {e["loc"][-1] for e in response.json()["detail"] if e["type"] == "missing"}
    assert missing == {"title_en", "scope", "rationale", "domain", "committee_id"}
    assert (await stack.http.get("/api/v1/projects", headers=proposer)).json() == before


async def test_unknown_fields_unknown_domain_and_unknown_committee_are_refused(stack):
    http, proposer = stack.http, await stack.login("li.wei")
    committee = await committee_id(http, proposer)
    extra = await http.post("/api/v1/projects", json={**PROPOSAL, "committee_id": committee, "status": "active"},
                            headers=proposer)
    assert extra.status_code == 422 and extra.json()["detail"][0]["loc"] == ["body", "status"]
    domain = await http.post("/api/v1/projects", json={**PROPOSAL, "committee_id": committee, "domain": "moon.base"},
                             headers=proposer)
    assert domain.status_code == 422 and "unknown domain 'moon.base'" in domain.text
    nowhere = await http.post("/api/v1/projects", json={**PROPOSAL, "committee_id": str(uuid.uuid4())},
                              headers=proposer)
    assert nowhere.status_code == 404 and nowhere.json() == {"detail": "committee not found", "field": "committee_id"}


async def test_who_may_propose_edit_and_submit(stack):
    http = stack.http
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    committee = await committee_id(http, proposer)
    refused = await http.post("/api/v1/projects", json={**PROPOSAL, "committee_id": committee}, headers=secretary)
    assert refused.status_code == 403 and refused.json()["detail"] == "you hold the proposer role in no organisation"

    pid = (await create_proposal(http, proposer))["id"]
    other_proposer = await stack.login("zhang.min")  # a proposer of another enterprise
    assert (await http.get(f"/api/v1/projects/{pid}", headers=other_proposer)).status_code == 404
    assert (await http.patch(f"/api/v1/projects/{pid}", json={"scope": "x"}, headers=other_proposer)).status_code == 404
    assert (await http.post(f"/api/v1/projects/{pid}/submit", headers=other_proposer)).status_code == 404
    # a draft is the proposer's own business: the committee does not see it before submission
    assert (await http.get(f"/api/v1/projects/{pid}", headers=secretary)).status_code == 404

    assert (await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)).status_code == 200
    again = await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)
    assert again.status_code == 409 and "active" in again.json()["detail"]
    late_edit = await http.patch(f"/api/v1/projects/{pid}", json={"scope": "too late"}, headers=proposer)
    assert late_edit.status_code == 409
    assert (await http.get(f"/api/v1/projects/{pid}", headers=secretary)).json()["scope"] == PROPOSAL["scope"]


async def test_tasks_unknown_foreign_and_wrong_decisions(stack):
    http = stack.http
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    outsider = await stack.login("lin.tao")  # a district pilot lead, no part in this project
    pid = (await create_proposal(http, proposer))["id"]
    await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)
    task_id = (await inbox(http, secretary, pid))[0]["id"]

    unknown = await http.get(f"/api/v1/tasks/{uuid.uuid4()}", headers=secretary)
    assert unknown.status_code == 404 and unknown.json()["detail"] == "task not found"
    for user in (outsider, proposer):
        assert (await http.get(f"/api/v1/tasks/{task_id}", headers=user)).status_code == 404
        assert (await http.post(f"/api/v1/tasks/{task_id}/claim", headers=user)).status_code == 404
        guessed = await http.post(f"/api/v1/tasks/{task_id}/complete", json={"decision": "accept"}, headers=user)
        assert guessed.status_code == 404

    bad = await http.post(f"/api/v1/tasks/{task_id}/complete", json={"decision": "approve"}, headers=secretary)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "decision"]
    no_reason = await http.post(f"/api/v1/tasks/{task_id}/complete", json={"decision": "reject"}, headers=secretary)
    assert no_reason.status_code == 422 and "reasons are required" in no_reason.text
    not_json = await http.post(f"/api/v1/tasks/{task_id}/complete", content=b"{", headers={
        **secretary, "Content-Type": "application/json"})
    assert not_json.status_code == 422
    detail = (await http.get(f"/api/v1/tasks/{task_id}", headers=secretary)).json()
    assert detail["state"] == "open" and "accept" in str(detail["form"])
    assert (await http.get("/api/v1/tasks", params={"limit": 0}, headers=secretary)).status_code == 422
    assert (await http.get("/api/v1/tasks", params={"cursor": "nonsense"}, headers=secretary)).status_code == 422


async def test_the_return_limit_is_enforced_by_the_workflow(stack):
    http = stack.http
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    pid = (await create_proposal(http, proposer))["id"]
    await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)
    for _ in range(3):
        task_id = (await inbox(http, secretary, pid))[0]["id"]
        done = await http.post(f"/api/v1/tasks/{task_id}/complete", json={"decision": "return", "reasons": "Again."},
                               headers=secretary)
        assert done.status_code == 200
        assert (await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)).status_code == 200
    task_id = (await inbox(http, secretary, pid))[0]["id"]
    fourth = await http.post(f"/api/v1/tasks/{task_id}/complete", json={"decision": "return", "reasons": "Again."},
                             headers=secretary)
    assert fourth.status_code == 409
    assert "returned 3 times" in fourth.json()["detail"]
    assert (await http.get(f"/api/v1/tasks/{task_id}", headers=secretary)).json()["state"] == "open"


async def test_two_secretaries_claiming_one_task(stack):
    http = stack.http
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    pid = (await create_proposal(http, proposer))["id"]
    await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)
    task_id = (await inbox(http, secretary, pid))[0]["id"]
    assert (await http.post(f"/api/v1/tasks/{task_id}/claim", headers=secretary)).status_code == 200
    assert (await http.post(f"/api/v1/tasks/{task_id}/claim", headers=secretary)).status_code == 200
    assert (await http.post(f"/api/v1/tasks/{task_id}/unclaim", headers=secretary)).json()["state"] == "open"
    assert (await http.post(f"/api/v1/tasks/{task_id}/unclaim", headers=secretary)).status_code == 409


async def test_no_token_or_a_forged_one_is_401(stack):
    http = stack.http
    assert (await http.get("/api/v1/me")).status_code == 401
    assert (await http.get("/api/v1/tasks", headers={"Authorization": "Bearer not.a.token"})).status_code == 401
    wrong = await http.post("/api/v1/auth/token", data={"username": "li.wei", "password": "wrong-password"})
    assert wrong.status_code == 401 and wrong.json()["detail"] == "wrong username or password"
