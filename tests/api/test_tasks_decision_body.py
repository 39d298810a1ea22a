"""The body of POST /api/v1/tasks/{id}/complete: the OpenAPI schema gives a generated client every
kind's decision, told apart by `kind`; the server takes a body for the task's own kind, with `kind` or
(as clients written before it do) without, and refuses one for another kind."""

from contracts.choices import CHOICES
from tests.helpers import create_proposal, inbox

COMPLETE = "/api/v1/tasks/{task_id}/complete"


def _resolve(openapi: dict, schema: dict) -> dict:
    return openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema


async def _screening_task(stack) -> tuple[dict, str]:
    """A submitted proposal's screening task, and the secretary who may decide it."""
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    pid = (await create_proposal(stack.http, proposer))["id"]
    assert (await stack.http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)).status_code == 200
    task = (await inbox(stack.http, secretary, pid))[0]
    assert task["kind"] == "screen_proposal"
    return secretary, task["id"]


async def test_the_schema_offers_every_kinds_decision_told_apart_by_kind(stack):
    openapi = (await stack.http.get("/openapi.json")).json()
    body = openapi["paths"][COMPLETE]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["discriminator"]["propertyName"] == "kind"
    mapping = body["discriminator"]["mapping"]
    assert set(mapping) == set(CHOICES)
    assert sorted(m["$ref"] for m in body["oneOf"]) == sorted(mapping.values())
    for kind, choices in CHOICES.items():
        member = _resolve(openapi, {"$ref": mapping[kind]})
        assert member["properties"]["kind"]["const"] == kind
        assert "kind" in member["required"] and "decision" in member["required"]
        decision = member["properties"]["decision"]  # a kind with one choice has it as `const`
        assert decision.get("enum", [decision.get("const")]) == list(choices), kind
    assert len(set(mapping.values())) == len(CHOICES)  # one member per kind, shared form or not


async def test_a_body_for_another_kind_is_refused_and_the_task_stays_open(stack):
    secretary, task_id = await _screening_task(stack)
    refused = await stack.http.post(COMPLETE.format(task_id=task_id), headers=secretary,
                                    json={"kind": "ballot_vote", "decision": "approve"})
    assert refused.status_code == 422
    assert refused.json() == {"detail": "this task is of kind screen_proposal; the body is for kind ballot_vote",
                              "field": "kind"}
    # the other kind's choices fit this task's form too: the kind alone refuses it
    also_accept = await stack.http.post(COMPLETE.format(task_id=task_id), headers=secretary,
                                        json={"kind": "co_drafter_consent", "decision": "accept"})
    assert also_accept.status_code == 422 and also_accept.json()["field"] == "kind"
    no_kind = await stack.http.post(COMPLETE.format(task_id=task_id), headers=secretary,
                                    json={"kind": "moon_landing", "decision": "accept"})
    assert no_kind.status_code == 422 and no_kind.json()["detail"][0]["loc"] == ["body", "kind"]
    task = (await stack.http.get(f"/api/v1/tasks/{task_id}", headers=secretary)).json()
    assert task["state"] == "open" and task["decision"] is None and task["completed_by_id"] is None


async def test_a_body_with_the_tasks_kind_completes_it_as_one_without(stack):
    secretary, task_id = await _screening_task(stack)
    detail = (await stack.http.get(f"/api/v1/tasks/{task_id}", headers=secretary)).json()
    assert detail["form"]["properties"]["kind"]["const"] == "screen_proposal"
    done = await stack.http.post(COMPLETE.format(task_id=task_id), headers=secretary,
                                 json={"kind": "screen_proposal", "decision": "accept"})
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "completed"
    assert done.json()["decision"] == {"decision": "accept", "comment": "", "reasons": ""}
    # `kind` says which body it is, and is no part of the decision: the same decision without it is
    # the same request again, and gets the same answer
    again = await stack.http.post(COMPLETE.format(task_id=task_id), headers=secretary, json={"decision": "accept"})
    assert again.status_code == 200 and again.json() == done.json()
