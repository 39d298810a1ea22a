"""Object-level authorisation (OWASP API1) and mass assignment (API3), resource by resource: a user of
another organisation gets 404 — never a hint that the object exists — on read and on write, and
request bodies cannot carry fields the client may not set."""

import uuid

import httpx
import pytest

from services.db import transaction
from services.demo import DEMO_PASSWORD
from services.identity.permissions import Role
from services.identity.schemas import UserCreate
from services.identity.service import create_user, grant_role
from services.organisations.schemas import OrganisationCreate
from services.organisations.service import create_organisation
from tests.api.access.matrix import upload_files
from tests.api.test_pages import sign_in
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


# What a task holder reads of the project: its record, its drafts and the file, ballots, panels,
# pilot sites, evaluations, every comment with the disposition table, and the project page.
HOLDER_READS = ["/api/v1/projects/{p}", "/api/v1/projects/{p}/audit", "/api/v1/projects/{p}/drafts",
                "/api/v1/drafts/{d}/file", "/api/v1/projects/{p}/ballots", "/api/v1/projects/{p}/panels",
                "/api/v1/projects/{p}/pilots", "/api/v1/projects/{p}/evaluations", "/api/v1/projects/{p}/comments",
                "/api/v1/projects/{p}/dispositions.csv", "/projects/{p}"]
PROJECTS = {"group": ("project", "draft"), "local": ("local_project", "local_draft")}

HOLDERS = {
    "the approver at the bureau, who approved the local standard": ("huang.lan", "local"),
    "a committee member who voted": ("chen.jie", "group"),
    "an expert on the panel": ("wu.qiang", "group"),
    "a district's pilot lead, offered the pilot plan": ("lin.tao", "group"),
    "an enterprise's pilot lead, who reported": ("hu.bin", "local"),
    "the evaluator offered the evaluation": ("liang.hong", "local"),
    "the agency asked to coordinate": ("luo.ming", "group"),
}
# the same kind of organisation and the same role, but no task of this project
DEMO_BYSTANDERS = {
    "the bureau's approver, on the group standard": ("huang.lan", "group"),
    "the evaluator, on the group standard": ("liang.hong", "group"),
    "another district's pilot lead": ("xu.qing", "group"),
    "a pilot lead whose site pilots the other standard": ("lin.tao", "local"),
    "a coordinator of the evaluating body": ("luo.ming", "local"),
}
NEW_BYSTANDERS = {
    "another government body's approver": ("government", Role.approver, "local"),
    "another government body's evaluator": ("government", Role.evaluator, "local"),
    "another government body's coordinator": ("government", Role.coordinator, "group"),
    "another enterprise's pilot lead": ("enterprise", Role.pilot_lead, "local"),
    "another association's committee member": ("industry", Role.committee_member, "group"),
    "another university's expert": ("academia", Role.expert, "group"),
}


async def _reads(stack, world, username: str, project: str) -> dict[str, int]:
    """The status of each of HOLDER_READS for this user: the API with a token, the page signed in."""
    project_key, draft_key = PROJECTS[project]
    headers = await stack.login(username)
    browser = httpx.AsyncClient(transport=stack.http._transport, base_url="http://testserver")
    statuses = {}
    try:
        await sign_in(browser, username, "zh")
        for path in HOLDER_READS:
            url = path.format(p=world[project_key], d=world[draft_key])
            client, kwargs = (browser, {}) if url.startswith("/projects") else (stack.http, {"headers": headers})
            statuses[path] = (await client.get(url, **kwargs)).status_code
    finally:
        await browser.aclose()
    return statuses


@pytest.mark.parametrize("holder", sorted(HOLDERS))
async def test_whoever_holds_a_task_of_the_project_reads_it_and_its_documents(world_stack, holder):
    stack, world = world_stack
    username, project = HOLDERS[holder]
    statuses = await _reads(stack, world, username, project)
    assert statuses == {path: 200 for path in HOLDER_READS}


@pytest.mark.parametrize("bystander", sorted(DEMO_BYSTANDERS) + sorted(NEW_BYSTANDERS))
async def test_a_bystander_of_the_same_kind_and_role_does_not(world_stack, sessions, bystander):
    stack, world = world_stack
    if bystander in DEMO_BYSTANDERS:
        username, project = DEMO_BYSTANDERS[bystander]
    else:
        kind, role, project = NEW_BYSTANDERS[bystander]
        username = await _member_of_a_new_organisation(sessions, kind, role)
    statuses = await _reads(stack, world, username, project)
    assert statuses == {path: 404 for path in HOLDER_READS}


async def _member_of_a_new_organisation(sessions, kind: str, role: Role) -> str:
    # "Z…" sorts after SHEITC: the evaluations still go to SHEITC's evaluators
    code = f"ZB{uuid.uuid4().hex[:6].upper()}"
    async with transaction(sessions) as session:
        org = await create_organisation(session, OrganisationCreate(
            code=code, name_zh="旁观单位", name_en="A bystander", kind=kind))
        user = await create_user(session, UserCreate(username=f"bystander.{code.lower()}", display_name="旁观者",
                                                     password=DEMO_PASSWORD))
        await grant_role(session, user.id, org.id, role)
    return f"bystander.{code.lower()}"
