"""Publication, evaluation and periodic review, driven over HTTP by the people who decide them: the
number a standard gets, its public catalogue entry, the Shanghai Standard label, revision projects,
and a review that opens only when the interval has passed."""

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.worker import Worker

from services.catalogue.service import today
from services.projects.models import StandardType
from services.projects.policy import policy_for
from tests.helpers import audit_actions, create_proposal, inbox, org_id
from tests.workflows.publication_harness import HarnessInput, PublicationHarness
from workflows.core.models import ProjectInput

SCORES = {"applicability": 4, "economic_benefit": 5, "social_benefit": 4, "coordination": 3}
PILOTS = {"pilot_summary": "Pudong and Xuhui ran the interface for six months; 14 enterprises connected."}
YEAR = timedelta(days=365)


async def eventually(probe: Callable[[], Awaitable], timeout: float = 30.0):
    """The probe's first truthy answer: a workflow writes its next step just after it answers."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := await probe()):
        assert loop.time() < deadline, "the workflow did not get there in time"
        await asyncio.sleep(0.1)
    return value


async def submitted(stack, client: Client, standard_type: str = "group") -> tuple[dict, str]:
    """A proposal li.wei creates and submits through the API; the harness takes it over from the
    project's workflow, which is stopped."""
    token = uuid.uuid4().hex[:10]
    proposer = await stack.login("li.wei")
    project = await create_proposal(stack.http, proposer, standard_type=standard_type,
                                    title_en=f"Open public data interface {token}")
    response = await stack.http.post(f"/api/v1/projects/{project['id']}/submit", headers=proposer)
    assert response.status_code == 200, response.text
    await stop_quietly(client.get_workflow_handle(f"project-{project['id']}"))
    return response.json(), token


async def stop_quietly(handle: WorkflowHandle) -> None:
    """Terminates the workflow once no activity of it is running: an activity that finishes after its
    workflow is gone would keep the time-skipping server from moving time."""
    async def idle() -> bool:
        return not (await handle.describe()).raw_description.pending_activities

    await eventually(idle)
    await handle.terminate("stopped by the test")


async def project_input(stack, project: dict) -> ProjectInput:
    committees = (await stack.http.get("/api/v1/committees", headers=await stack.login("li.wei"))).json()
    committee = next(c for c in committees if c["id"] == project["committee_id"])
    policy = policy_for(StandardType(project["standard_type"]))
    return ProjectInput(
        project_id=project["id"], proposer_id=project["proposer_id"], lead_org_id=project["lead_org_id"],
        committee_id=committee["id"], committee_org_id=committee["org_id"],
        policy=policy,
    )


@asynccontextmanager
async def harness(stack, client: Client, project: dict) -> AsyncIterator[WorkflowHandle]:
    queue = f"sf-pub-{uuid.uuid4().hex[:8]}"
    inp = HarnessInput(project=await project_input(stack, project), evaluation_context=PILOTS)
    # every activity the app's worker runs (the stages' own, and those every human step uses), with
    # the harness as the only workflow
    worker = Worker(**{**stack.worker.config(), "task_queue": queue, "workflows": [PublicationHarness]})
    async with worker:
        handle = await client.start_workflow(PublicationHarness.run, inp, id=f"publication-{project['id']}",
                                             task_queue=queue)
        yield handle
        if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:  # a test that failed midway
            await stop_quietly(handle)


async def task_of(stack, username: str, project_id: str, kind: str) -> dict | None:
    tasks = await inbox(stack.http, await stack.login(username), project_id, kind=kind)
    return tasks[0] if tasks else None


async def complete(stack, username: str, task: dict, body: dict):
    return await stack.http.post(f"/api/v1/tasks/{task['id']}/complete", json=body,
                                 headers=await stack.login(username))


async def project_of(stack, project_id: str) -> dict:
    return (await stack.http.get(f"/api/v1/projects/{project_id}", headers=await stack.login("li.wei"))).json()


async def audit_event(stack, project_id: str, action: str) -> dict:
    events = (await stack.http.get(f"/api/v1/projects/{project_id}/audit", headers=await stack.login("li.wei"))).json()
    return next(e for e in events if e["action"] == action)


async def revision_of(stack, project_id: str) -> dict | None:
    mine = (await stack.http.get("/api/v1/projects", headers=await stack.login("li.wei"))).json()
    return next((p for p in mine if p["revises_id"] == project_id), None)


async def catalogue_ids(stack, **params) -> set[str]:
    response = await stack.http.get("/api/v1/catalog", params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def approve_group_standard(stack, pid: str) -> dict:
    approval = await eventually(lambda: task_of(stack, "ma.rui", pid, "approve_publication"))
    assert approval["candidate_org_id"] == await org_id(stack.http, await stack.login("ma.rui"), "SDCIA")
    assert approval["context"]["publisher"]["code"] == "SDCIA"
    assert await task_of(stack, "huang.lan", pid, "approve_publication") is None  # another publisher's approver

    day = today() + timedelta(days=3)
    past = await complete(stack, "ma.rui", approval, {"decision": "approve", "publication_date": "2020-01-01"})
    assert past.status_code == 422 and "cannot be in the past" in past.text
    outside = await complete(stack, "ma.rui", approval, {"decision": "approve", "external_number": "GB/T 1—2026"})
    assert outside.status_code == 422 and outside.json()["field"] == "external_number"
    unreasoned = await complete(stack, "ma.rui", approval, {"decision": "return"})
    assert unreasoned.status_code == 422 and "reasons are required" in unreasoned.text
    assert (await project_of(stack, pid))["number"] is None

    body = {"decision": "approve", "publication_date": day.isoformat()}
    approved = await complete(stack, "ma.rui", approval, body)
    assert approved.status_code == 200, approved.text
    again = await complete(stack, "ma.rui", approval, body)  # a repeated request gets the same answer
    assert again.status_code == 200 and again.json() == approved.json()
    entry = (await stack.http.get(f"/api/v1/catalog/{pid}")).json()  # no sign-in
    assert re.fullmatch(rf"T/SDCIA \d{{4}}—{day.year}", entry["number"])
    effective = day + timedelta(days=30)
    assert (entry["publication_date"], entry["effective_from"]) == (day.isoformat(), effective.isoformat())
    assert (entry["status"], entry["shanghai_standard"], entry["publisher"]["code"]) == ("upcoming", False, "SDCIA")
    assert (await audit_event(stack, pid, "standard.published"))["data"]["number"] == entry["number"]
    return entry


async def test_a_group_standard_is_published_evaluated_and_reviewed(skipping_stack, time_skipping_env):
    stack, client = skipping_stack, time_skipping_env.client
    project, token = await submitted(stack, client)
    pid = project["id"]
    async with harness(stack, client, project) as handle:
        entry = await approve_group_standard(stack, pid)
        year = int(entry["publication_date"][:4])
        for params in ({}, {"type": "group"}, {"domain": "foundations"}, {"domain": "foundations.data_base"},
                       {"year": year}):
            assert pid in await catalogue_ids(stack, q=token, **params)
        assert pid in await catalogue_ids(stack, q=entry["number"])
        for params in ({"type": "local"}, {"domain": "life"}, {"year": year - 1}):
            assert pid not in await catalogue_ids(stack, q=token, **params)

        evaluation = await eventually(lambda: task_of(stack, "liang.hong", pid, "evaluate_implementation"))
        assert evaluation["context"] == PILOTS
        assert evaluation["candidate_org_id"] == await org_id(stack.http, await stack.login("li.wei"), "SHEITC")
        body = {"scores": SCORES, "decision": "effective", "nominate_shanghai_standard": True,
                "summary": "Works across districts; cut integration costs by a third."}
        bad = await complete(stack, "liang.hong", evaluation, {**body, "scores": {**SCORES, "applicability": 6}})
        assert bad.status_code == 422 and "applicability" in bad.text
        missing = await complete(stack, "liang.hong", evaluation, {**body, "scores": {"applicability": 4}})
        assert missing.status_code == 422 and "coordination" in missing.text
        odd = await complete(stack, "liang.hong", evaluation, {**body, "decision": "withdraw"})
        assert odd.status_code == 422 and "only an effective standard" in odd.text
        assert (await complete(stack, "wang.fang", evaluation, body)).status_code == 404  # not an evaluator
        done = await complete(stack, "liang.hong", evaluation, body)
        assert done.status_code == 200, done.text
        assert (await stack.http.get(f"/api/v1/catalog/{pid}")).json()["shanghai_standard"] is True
        evaluations = await stack.http.get(f"/api/v1/projects/{pid}/evaluations", headers=await stack.login("li.wei"))
        [scored] = evaluations.json()
        assert (scored["scores"], scored["decision"]) == (SCORES, "effective")
        assert scored["nominate_shanghai_standard"] is True

        await eventually(lambda: _is_awaiting_review(stack, pid))
        await time_skipping_env.sleep(5 * YEAR - timedelta(days=2))
        await asyncio.sleep(1)
        assert await task_of(stack, "wang.fang", pid, "periodic_review") is None
        await time_skipping_env.sleep(timedelta(days=3))
        review = await eventually(lambda: task_of(stack, "wang.fang", pid, "periodic_review"))
        revised = await complete(stack, "wang.fang", review, {"decision": "revise", "reasons": "Add real-time feeds."})
        assert revised.status_code == 200, revised.text
        assert await handle.result() == ["published", "effective", "revise"]

    revision = await revision_of(stack, pid)
    assert (revision["status"], revision["stage"], revision["title_en"]) == ("draft", "proposal", project["title_en"])
    assert (revision["proposer_id"], revision["committee_id"]) == (project["proposer_id"], project["committee_id"])
    assert revision["number"] is None and entry["number"] in revision["relation_to_existing"]
    assert "project.revision_opened" in await audit_actions(stack.http, await stack.login("li.wei"), revision["id"])
    assert (await audit_event(stack, pid, "project.revision_opened"))["data"]["revision_id"] == revision["id"]
    # a revision leaves the standard in force (the API's clock is the real one, so it is still upcoming)
    assert (await stack.http.get(f"/api/v1/catalog/{pid}")).json()["status"] == "upcoming"


async def _is_awaiting_review(stack, pid: str) -> bool:
    project = await project_of(stack, pid)
    return (project["stage"], project["step"]) == ("maintenance", "awaiting_review")


async def test_a_local_standard_needing_revision_and_withdrawn_at_review(skipping_stack, time_skipping_env):
    stack, client = skipping_stack, time_skipping_env.client
    project, _ = await submitted(stack, client, "local")
    pid = project["id"]
    async with harness(stack, client, project) as handle:
        approval = await eventually(lambda: task_of(stack, "huang.lan", pid, "approve_publication"))
        assert await task_of(stack, "ma.rui", pid, "approve_publication") is None
        assert (await complete(stack, "huang.lan", approval, {"decision": "approve"})).status_code == 200
        entry = (await stack.http.get(f"/api/v1/catalog/{pid}")).json()
        assert entry["publisher"]["code"] == "SHAMR"
        assert re.fullmatch(rf"DB31/T [1-9]\d*—{entry['publication_date'][:4]}", entry["number"])

        evaluation = await eventually(lambda: task_of(stack, "liang.hong", pid, "evaluate_implementation"))
        done = await complete(stack, "liang.hong", evaluation, {
            "scores": {**SCORES, "applicability": 2}, "decision": "needs_revision",
            "summary": "The data catalogue section does not fit district systems.",
        })
        assert done.status_code == 200, done.text
        revision = await eventually(lambda: revision_of(stack, pid))
        assert revision["standard_type"] == "local" and "does not fit" in revision["rationale"]
        assert (await stack.http.get(f"/api/v1/catalog/{pid}")).json()["shanghai_standard"] is False

        await eventually(lambda: _is_awaiting_review(stack, pid))
        await time_skipping_env.sleep(5 * YEAR + timedelta(days=1))
        review = await eventually(lambda: task_of(stack, "wang.fang", pid, "periodic_review"))
        assert (await complete(stack, "wang.fang", review, {"decision": "withdraw"})).status_code == 422
        withdrawn = await complete(stack, "wang.fang", review, {"decision": "withdraw", "reasons": "Superseded."})
        assert withdrawn.status_code == 200, withdrawn.text
        assert await handle.result() == ["published", "needs_revision", "withdraw"]

    assert (await stack.http.get(f"/api/v1/catalog/{pid}")).json()["status"] == "withdrawn"
    assert pid in await catalogue_ids(stack, status="withdrawn", type="local")
    actions = await audit_actions(stack.http, await stack.login("li.wei"), pid)
    assert actions[-3:] == ["review.opened", "review.decided", "standard.withdrawn"]


async def test_a_national_standard_records_the_number_issued_outside(stack, temporal_client):
    first, _ = await submitted(stack, temporal_client, "national")
    second, _ = await submitted(stack, temporal_client, "national")
    number = f"GB/T {uuid.uuid4().int % 90000 + 10000}—2026"
    async with harness(stack, temporal_client, first):
        approval = await eventually(lambda: task_of(stack, "huang.lan", first["id"], "approve_publication"))
        assert approval["context"]["number_issued_outside"] is True
        missing = await complete(stack, "huang.lan", approval, {"decision": "approve"})
        assert missing.status_code == 422 and missing.json()["field"] == "external_number"
        blank = await complete(stack, "huang.lan", approval, {"decision": "approve", "external_number": "  "})
        assert blank.status_code == 422 and "external_number" in blank.text
        approved = await complete(stack, "huang.lan", approval, {"decision": "approve", "external_number": number})
        assert approved.status_code == 200, approved.text
        assert (await stack.http.get(f"/api/v1/catalog/{first['id']}")).json()["number"] == number

    async with harness(stack, temporal_client, second) as handle:
        approval = await eventually(lambda: task_of(stack, "huang.lan", second["id"], "approve_publication"))
        taken = await complete(stack, "huang.lan", approval, {"decision": "approve", "external_number": number})
        assert taken.status_code == 409 and "belongs to another standard" in taken.text
        returned = await complete(stack, "huang.lan", approval,
                                  {"decision": "return", "reasons": "Wait for the national number."})
        assert returned.status_code == 200, returned.text
        assert await handle.result() == ["returned"]
    assert (await project_of(stack, second["id"]))["number"] is None
    assert (await stack.http.get(f"/api/v1/catalog/{second['id']}")).status_code == 404
    assert (await audit_event(stack, second["id"], "publication.returned"))["data"]["reasons"] == \
        "Wait for the national number."
