"""Coordination requests over HTTP: PUDONG's coordinator asks SHEITC; SHEITC's coordinator claims,
answers or forwards to XUHUI; the answer lands back in the sender's inbox."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from tests.helpers import create_proposal, org_id
from tests.co_drafting import accept_co_drafters

URL = "/api/v1/coordination-requests"


async def eventually(probe: Callable[[], Awaitable], timeout: float = 30.0):
    """The probe's first truthy answer: a workflow writes its next step just after a timer fires."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := await probe()):
        assert loop.time() < deadline, "the workflow did not get there in time"
        await asyncio.sleep(0.1)
    return value


def request_body(to_org_id: str, **overrides) -> dict:
    return {
        "to_org_id": to_org_id, "subject": "Traffic data for the pilot blocks",
        "body": "Please provide hourly traffic counts for blocks A–F, March to May.",
        "due_date": (date.today() + timedelta(days=14)).isoformat(), **overrides,
    }


async def send(stack, username: str, to_code: str, **overrides) -> dict:
    headers = await stack.login(username)
    body = request_body(await org_id(stack.http, headers, to_code), **overrides)
    sent = await stack.http.post(URL, json=body, headers=headers)
    assert sent.status_code == 201, sent.text
    return sent.json()


async def task_for(stack, username: str, kind: str, request_id: str) -> dict:
    """The user's open task of that kind about this request."""
    response = await stack.http.get("/api/v1/tasks", params={"kind": kind}, headers=await stack.login(username))
    assert response.status_code == 200, response.text
    [task] = [t for t in response.json()["items"] if t["context"]["request_id"] == request_id]
    return task


async def complete(stack, username: str, task_id: str, decision: dict) -> dict:
    response = await stack.http.post(f"/api/v1/tasks/{task_id}/complete", json=decision,
                                     headers=await stack.login(username))
    assert response.status_code == 200, response.text
    return response.json()


async def detail(stack, username: str, request_id: str) -> dict:
    response = await stack.http.get(f"{URL}/{request_id}", headers=await stack.login(username))
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_request_is_claimed_answered_and_the_answer_comes_back(stack):
    http = stack.http
    proposer = await stack.login("li.wei")
    pudong = await org_id(http, proposer, "PUDONG")
    project = await create_proposal(http, proposer, co_drafting_org_ids=[pudong])
    await accept_co_drafters(http, project["id"], [pudong])  # PUDONG takes part
    sent = await send(stack, "gao.yan", "SHEITC", project_id=project["id"])
    rid = sent["id"]
    assert (sent["status"], sent["project_id"], [h["kind"] for h in sent["history"]]) == (
        "open", project["id"], ["sent"])

    listed = await http.get(URL, headers=await stack.login("luo.ming"))
    assert rid in [r["id"] for r in listed.json()]
    task = await task_for(stack, "luo.ming", "answer_coordination", rid)
    assert (task["candidate_role"], task["project_id"], task["context"]["subject"]) == (
        "coordinator", project["id"], "Traffic data for the pilot blocks")
    claimed = await http.post(f"/api/v1/tasks/{task['id']}/claim", headers=await stack.login("luo.ming"))
    assert claimed.status_code == 200 and claimed.json()["state"] == "claimed"
    answered = await complete(stack, "luo.ming", task["id"], {"decision": "answer",
                                                                "answer": "Counts attached; May follows."})
    assert answered["state"] == "completed"

    back = await task_for(stack, "gao.yan", "coordination_answered", rid)
    assert back["context"]["answer"] == "Counts attached; May follows."
    assert back["assignee_id"] == sent["sender_id"]
    seen = await detail(stack, "gao.yan", rid)
    assert (seen["status"], seen["answer"], seen["answered_by_id"]) == (
        "answered", "Counts attached; May follows.", answered["completed_by_id"])
    await complete(stack, "gao.yan", back["id"], {"decision": "acknowledge"})
    seen = await detail(stack, "luo.ming", rid)
    assert seen["status"] == "acknowledged"
    assert [h["kind"] for h in seen["history"]] == ["sent", "answered", "acknowledged"]


async def test_a_request_forwarded_to_xuhui_is_answered_there(stack):
    http = stack.http
    rid = (await send(stack, "gao.yan", "SHEITC"))["id"]
    luo = await stack.login("luo.ming")
    task = await task_for(stack, "luo.ming", "answer_coordination", rid)
    shamr = await org_id(http, luo, "SHAMR")  # has no coordinator to answer it
    refused = await http.post(f"/api/v1/tasks/{task['id']}/complete", headers=luo,
                              json={"decision": "forward", "to_org_id": shamr, "note": "Theirs."})
    assert refused.status_code == 422 and refused.json()["field"] == "to_org_id"
    assert "SHAMR has no coordinator" in refused.json()["detail"]

    xuhui = await org_id(http, luo, "XUHUI")
    await complete(stack, "luo.ming", task["id"], {"decision": "forward", "to_org_id": xuhui,
                                                     "note": "Xuhui runs the counters on these blocks."})
    assert [t for t in (await http.get("/api/v1/tasks", headers=luo)).json()["items"]
            if t["context"].get("request_id") == rid] == []
    there = await task_for(stack, "xu.qing", "answer_coordination", rid)
    assert there["candidate_org_id"] == xuhui
    await complete(stack, "xu.qing", there["id"], {"decision": "answer", "answer": "Sent by mail today."})

    back = await task_for(stack, "gao.yan", "coordination_answered", rid)
    assert back["context"]["answer"] == "Sent by mail today."
    assert back["context"]["answered_by_org_id"] == xuhui
    history = (await detail(stack, "luo.ming", rid))["history"]  # SHEITC still reads what it was sent
    assert [(h["kind"], h["org_id"]) for h in history] == [
        ("sent", await org_id(http, luo, "SHEITC")), ("forwarded", xuhui), ("answered", xuhui)]
    assert history[1]["note"] == "Xuhui runs the counters on these blocks."
    assert (await detail(stack, "xu.qing", rid))["current_org_id"] == xuhui


async def test_only_coordinators_send_and_only_the_organisations_involved_see(stack):
    http = stack.http
    lin = await stack.login("lin.tao")  # PUDONG's pilot lead, not a coordinator
    sheitc = await org_id(http, lin, "SHEITC")
    refused = await http.post(URL, json=request_body(sheitc), headers=lin)
    assert refused.status_code == 403 and "coordination:send" in refused.json()["detail"]

    rid = (await send(stack, "gao.yan", "SHEITC"))["id"]
    task = await task_for(stack, "luo.ming", "answer_coordination", rid)
    outsider = await stack.login("li.wei")
    assert (await http.get(f"{URL}/{rid}", headers=outsider)).status_code == 404
    assert rid not in [r["id"] for r in (await http.get(URL, headers=outsider)).json()]
    assert (await http.get(f"/api/v1/tasks/{task['id']}", headers=outsider)).status_code == 404
    answer = {"decision": "answer", "answer": "Not mine to give."}
    assert (await http.post(f"/api/v1/tasks/{task['id']}/complete", json=answer,
                            headers=outsider)).status_code == 404
    assert (await http.post(f"/api/v1/tasks/{task['id']}/claim", headers=outsider)).status_code == 404
    assert (await detail(stack, "gao.yan", rid))["status"] == "open"


async def test_bad_requests_are_refused_naming_the_field_and_change_nothing(stack):
    http = stack.http
    gao = await stack.login("gao.yan")
    sheitc = await org_id(http, gao, "SHEITC")
    before = len((await http.get(URL, headers=gao)).json())
    draft = await create_proposal(http, await stack.login("li.wei"))  # PUDONG may not read it

    cases = [
        (request_body("00000000-0000-4000-8000-000000000000"), "to_org_id"),
        (request_body(sheitc, due_date=(date.today() - timedelta(days=1)).isoformat()), "due_date"),
        (request_body(sheitc, project_id=draft["id"]), "project_id"),
        (request_body(await org_id(http, gao, "PUDONG")), "to_org_id"),
        (request_body(sheitc, from_org_id=sheitc), "from_org_id"),
    ]
    for body, field in cases:
        response = await http.post(URL, json=body, headers=gao)
        assert response.status_code == 422 and response.json()["field"] == field, response.text
    no_subject = {k: v for k, v in request_body(sheitc).items() if k != "subject"}
    response = await http.post(URL, json=no_subject, headers=gao)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "subject"]]
    assert len((await http.get(URL, headers=gao)).json()) == before


async def test_a_request_past_its_due_date_is_flagged_overdue_and_stays_open(skipping_stack, time_skipping_env):
    stack = skipping_stack
    rid = (await send(stack, "gao.yan", "SHEITC", due_date=date.today().isoformat()))["id"]
    await time_skipping_env.sleep(timedelta(days=2))

    async def overdue():
        seen = await detail(stack, "gao.yan", rid)
        return seen if seen["overdue"] else None

    seen = await eventually(overdue)
    assert seen["status"] == "open"
    assert [h["kind"] for h in seen["history"]] == ["sent", "overdue"]
    task = await task_for(stack, "luo.ming", "answer_coordination", rid)
    assert task["state"] == "open"
    await complete(stack, "luo.ming", task["id"], {"decision": "answer", "answer": "Late, but here."})
    assert (await detail(stack, "gao.yan", rid))["status"] == "answered"
    back = await task_for(stack, "gao.yan", "coordination_answered", rid)
    await complete(stack, "gao.yan", back["id"], {"decision": "acknowledge"})
    # The request's workflow ends here, leaving nothing on the shared test server's clock.
    result = await time_skipping_env.client.get_workflow_handle(f"coordination-{rid}").result()
    assert (result["overdue"], result["answer"]) == (True, "Late, but here.")
