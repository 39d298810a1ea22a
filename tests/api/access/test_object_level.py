"""Object-level authorisation (OWASP API1) and mass assignment (API3), resource by resource: a user of
another organisation gets 404 — never a hint that the object exists — on read and on write, and
request bodies cannot carry fields the client may not set."""

import pytest

from tests.api.access.matrix import upload_files
from tests.helpers import PROPOSAL, inbox

pytestmark = pytest.mark.timeout(600)

READS = {
    "project": ["/api/v1/projects/{project}", "/api/v1/projects/{project}/audit",
                "/api/v1/projects/{project}/timeline", "/api/v1/projects/{project}/evaluations"],
    "draft": ["/api/v1/drafts/{draft}", "/api/v1/drafts/{draft}/file", "/api/v1/projects/{project}/drafts"],
    "comment": ["/api/v1/projects/{project}/comments", "/api/v1/projects/{project}/dispositions.csv"],
    "task": ["/api/v1/tasks/{task}"],
    "ballot": ["/api/v1/ballots/{ballot}", "/api/v1/projects/{project}/ballots"],
    "panel": ["/api/v1/panels/{panel}", "/api/v1/projects/{project}/panels"],
    "pilot": ["/api/v1/pilots/{pilot}", "/api/v1/projects/{project}/pilots"],
    "coordination request": ["/api/v1/coordination-requests/{coordination}"],
}

WRITES = {
    "project": [("PATCH", "/api/v1/projects/{draft_project}", {"scope": "taken over"}),
                ("POST", "/api/v1/projects/{draft_project}/submit", None)],
    "draft": [("POST", "/api/v1/projects/{project}/drafts", "upload")],
    "comment": [("POST", "/api/v1/projects/{project}/comments", {"clause": "1", "comment": "x"}),
                ("PUT", "/api/v1/comments/{comment}/disposition", {"disposition": "accepted", "reason": ""})],
    "task": [("POST", "/api/v1/tasks/{task}/claim", None),
             ("POST", "/api/v1/tasks/{task}/complete", {"decision": "answer", "answer": "x"})],
    "notification": [("POST", "/api/v1/notifications/{notification}/read", None)],
}


def _url(path: str, world) -> str:
    return path.format(**world.ids)


@pytest.mark.parametrize("resource", sorted(READS))
async def test_another_organisations_user_cannot_read(world_stack, resource):
    stack, world = world_stack
    outsider = await world.people("zhang.min")  # a proposer at another enterprise
    for path in READS[resource]:
        response = await stack.http.get(_url(path, world), headers=outsider)
        assert response.status_code == 404, f"{path}: {response.status_code}"
        assert response.json()["detail"].endswith("not found"), response.text


@pytest.mark.parametrize("resource", sorted(WRITES))
async def test_another_organisations_user_cannot_write(world_stack, resource):
    stack, world = world_stack
    outsider = await world.people("zhang.min")
    for method, path, body in WRITES[resource]:
        kwargs = {"files": upload_files(), "data": {"label": "discussion"}} if body == "upload" else \
            ({"json": body} if body else {})
        response = await stack.http.request(method, _url(path, world), headers=outsider, **kwargs)
        assert response.status_code == 404, f"{method} {path}: {response.status_code} {response.text}"
    project = await stack.http.get(_url("/api/v1/projects/{draft_project}", world),
                                   headers=await world.people("li.wei"))
    assert (project.json()["status"], project.json()["scope"]) == ("draft", PROPOSAL["scope"])


async def test_a_proposer_cannot_complete_a_secretarys_task_by_guessing_its_id(world_stack):
    stack, world = world_stack
    http, proposer, secretary = stack.http, await world.people("li.wei"), await world.people("wang.fang")
    committee = (await http.get("/api/v1/committees", headers=proposer)).json()[0]["id"]
    pid = (await http.post("/api/v1/projects", json={**PROPOSAL, "committee_id": committee}, headers=proposer)
           ).json()["id"]
    await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)
    task_id = (await inbox(http, secretary, pid))[0]["id"]
    for action, body in (("complete", {"decision": "accept"}), ("claim", None), ("unclaim", None)):
        response = await http.post(f"/api/v1/tasks/{task_id}/{action}", headers=proposer,
                                   **({"json": body} if body else {}))
        assert response.status_code == 404, (action, response.text)
    assert (await http.get(f"/api/v1/tasks/{task_id}", headers=secretary)).json()["state"] == "open"


MASS_ASSIGNMENT = [
    ("POST", "/api/v1/projects", lambda w, c: {**PROPOSAL, "committee_id": c, "status": "active"}, "status"),
    ("POST", "/api/v1/projects", lambda w, c: {**PROPOSAL, "committee_id": c, "stage": "publication"}, "stage"),
    ("POST", "/api/v1/projects", lambda w, c: {**PROPOSAL, "committee_id": c, "number": "T/X 1—2026"}, "number"),
    ("PATCH", "/api/v1/projects/{draft_project}", lambda w, c: {"lead_org_id": w["pudong"]}, "lead_org_id"),
    ("PATCH", "/api/v1/projects/{draft_project}", lambda w, c: {"proposer_id": w["lin.tao"]}, "proposer_id"),
    ("POST", "/api/v1/coordination-requests",
     lambda w, c: {"to_org_id": w["sheitc"], "subject": "s", "body": "b", "due_date": "2099-01-01",
                   "state": "answered"}, "state"),
    ("POST", "/api/v1/tasks/{task}/complete",
     lambda w, c: {"decision": "answer", "answer": "a", "completed_by_id": w["lin.tao"]}, "completed_by_id"),
    ("POST", "/api/v1/admin/organisations/{pudong}/members",
     lambda w, c: {"username": "lin.tao", "role": "coordinator", "org_id": w["pjmob"]}, "org_id"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), MASS_ASSIGNMENT,
                         ids=[f"{m} {p} {f}" for m, p, _, f in MASS_ASSIGNMENT])
async def test_extra_fields_are_refused(world_stack, method, path, body, field):
    stack, world = world_stack
    users = {"/api/v1/coordination-requests": "gao.yan", "/api/v1/tasks/{task}/complete": "luo.ming",
             "/api/v1/admin/organisations/{pudong}/members": "gao.yan"}
    headers = await world.people(users.get(path, "li.wei"))
    committee = (await stack.http.get("/api/v1/committees", headers=headers)).json()[0]["id"]
    response = await stack.http.request(method, _url(path, world), json=body(world.ids, committee), headers=headers)
    assert response.status_code == 422, response.text
    assert [e["loc"][-1] for e in response.json()["detail"] if e["type"] == "extra_forbidden"] == [field]
