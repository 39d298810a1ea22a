"""The pilot stage on Temporal's time-skipping server: the secretary enrols PUDONG and DFCLOUD;
PUDONG reports every month and files its final report; DFCLOUD files its plan, then misses two
reports in a row and is flagged to the secretary. Every task is driven over HTTP."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, timedelta

from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Worker

from services.projects.models import StandardType
from services.projects.policy import policy_for
from tests.helpers import audit_actions, create_proposal, inbox, org_id
from tests.workflows.pilot_harness import PilotHarness
from workflows.core.decision_activities import DecisionActivities
from workflows.core.models import ProjectInput
from workflows.core.notify_activities import NotifyActivities
from workflows.core.step_activities import StepActivities
from workflows.pilot.activities import PilotActivities
from workflows.pilot.workflow import PilotSiteWorkflow, pilot_workflow_id

MONTH = timedelta(days=30)


async def eventually(probe: Callable[[], Awaitable], timeout: float = 30.0):
    """The probe's first truthy answer: a workflow writes its next step just after a timer fires."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := await probe()):
        assert loop.time() < deadline, "the workflow did not get there in time"
        await asyncio.sleep(0.1)
    return value


async def submitted_project(stack) -> dict:
    proposer = await stack.login("li.wei")
    project = await create_proposal(stack.http, proposer)
    submitted = await stack.http.post(f"/api/v1/projects/{project['id']}/submit", headers=proposer)
    assert submitted.status_code == 200, submitted.text
    return submitted.json()


async def project_input(stack, project: dict) -> ProjectInput:
    """What the API hands a project's workflow when it starts (as api/pipeline.py builds it)."""
    committees = (await stack.http.get("/api/v1/committees", headers=await stack.login("li.wei"))).json()
    committee = next(c for c in committees if c["id"] == project["committee_id"])
    policy = policy_for(StandardType(project["standard_type"]))
    return ProjectInput(
        project_id=project["id"], proposer_id=project["proposer_id"], lead_org_id=project["lead_org_id"],
        committee_id=committee["id"], committee_org_id=committee["org_id"],
        policy=policy,
    )


async def end_if_running(handle: WorkflowHandle) -> None:
    """Leaves nothing behind on the shared test server: a workflow whose worker has gone would
    hold its clock still at its next timer."""
    try:
        await handle.terminate("the test is over")
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:  # NOT_FOUND: it has finished already
            raise


@asynccontextmanager
async def pilot_stage(stack, client: Client, sessions, inp: ProjectInput) -> AsyncIterator[WorkflowHandle]:
    """The project's pilot stage, run by the harness on a worker of its own. The harness, its sites
    and the project's own workflow (still screening) end with the block."""
    queue = f"sf-pilot-{uuid.uuid4().hex[:8]}"
    notices = NotifyActivities(sessions)
    worker = Worker(
        client, task_queue=queue, workflows=[PilotHarness, PilotSiteWorkflow],
        activities=[StepActivities(sessions).apply_step, *PilotActivities(sessions).all(),
                    notices.notify, notices.escalation_target, notices.send_notification_mail,
                    DecisionActivities(sessions, stack.settings.key_ring("decision")).verify_decision],
    )
    async with worker:
        handle = await client.start_workflow(PilotHarness.run, inp, id=f"pilot-harness-{inp.project_id}",
                                             task_queue=queue)
        try:
            yield handle
        finally:
            sites = await sites_by_code(stack, str(inp.project_id), "wang.fang")
            for workflow_id in [pilot_workflow_id(inp.project_id, s["org_id"]) for s in sites.values()]:
                await end_if_running(client.get_workflow_handle(workflow_id))
            await end_if_running(handle)
            await end_if_running(client.get_workflow_handle(f"project-{inp.project_id}"))


async def task_of(stack, username: str, project_id: str, kind: str, **context: str) -> dict:
    """The user's one open task of that kind (and context), once the workflow has opened it."""
    headers = await stack.login(username)

    async def probe():
        found = await inbox(stack.http, headers, project_id, kind=kind)
        return [t for t in found if all(t["context"].get(k) == v for k, v in context.items())]

    [task] = await eventually(probe)
    return task


async def complete(stack, username: str, task_id: str, decision: dict) -> dict:
    response = await stack.http.post(f"/api/v1/tasks/{task_id}/complete", json=decision,
                                     headers=await stack.login(username))
    assert response.status_code == 200, response.text
    return response.json()


async def report(stack, pid: str, month: int) -> None:
    task = await task_of(stack, "lin.tao", pid, "pilot_progress_report")
    assert task["context"]["period"] == month and task["context"]["site_org_code"] == "PUDONG"
    await complete(stack, "lin.tao", task["id"], {
        "decision": "submit", "progress": f"Month {month}: {10 * month} blocks on the open data interface.",
        "metrics": {"blocks_connected": 10 * month, "api_uptime": 99.5},
    })


async def sites_by_code(stack, pid: str, username: str) -> dict[str, dict]:
    listed = await stack.http.get(f"/api/v1/projects/{pid}/pilots", headers=await stack.login(username))
    assert listed.status_code == 200, listed.text
    return {site["org_code"]: site for site in listed.json()}


async def enrol(stack, pid: str) -> None:
    secretary = await stack.login("wang.fang")
    orgs = {code: await org_id(stack.http, secretary, code) for code in ("PUDONG", "DFCLOUD", "SHEITC", "PJMOB")}
    nowhere = str(uuid.uuid4())
    task = await task_of(stack, "wang.fang", pid, "enrol_pilot_sites")
    url = f"/api/v1/tasks/{task['id']}/complete"
    refused = await stack.http.post(url, headers=secretary, json={
        "decision": "enrol", "site_org_ids": [orgs["PUDONG"], orgs["SHEITC"], orgs["PJMOB"], nowhere]})
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "site_org_ids"
    assert "SHEITC is a government organisation" in refused.json()["detail"]
    assert "PJMOB has no pilot lead" in refused.json()["detail"]
    assert f"{nowhere} is not an organisation" in refused.json()["detail"]
    assert "PUDONG" not in refused.json()["detail"]
    assert (await stack.http.get(f"/api/v1/tasks/{task['id']}", headers=secretary)).json()["state"] == "open"
    await complete(stack, "wang.fang", task["id"], {"decision": "enrol",
                                                      "site_org_ids": [orgs["PUDONG"], orgs["DFCLOUD"]]})


async def plans(stack, pid: str) -> None:
    for username in ("lin.tao", "hu.bin"):
        task = await task_of(stack, username, pid, "pilot_plan")
        await complete(stack, username, task["id"], {
            "decision": "submit", "plan": f"{username}: connect the district's blocks one by one.",
            "start_date": date.today().isoformat(),
        })


async def test_sites_report_monthly_and_a_site_missing_two_reports_is_flagged(
    skipping_stack, time_skipping_env, sessions
):
    stack, http = skipping_stack, skipping_stack.http
    project = await submitted_project(stack)
    pid = project["id"]
    async with pilot_stage(stack, time_skipping_env.client, sessions, await project_input(stack, project)) as handle:
        await enrol(stack, pid)
        await plans(stack, pid)
        sites = await sites_by_code(stack, pid, "wang.fang")
        assert {c: s["status"] for c, s in sites.items()} == {"PUDONG": "running", "DFCLOUD": "running"}

        for month in (1, 2, 3):
            await time_skipping_env.sleep(MONTH + timedelta(days=1) if month == 1 else MONTH)
            await report(stack, pid, month)
        flag = await task_of(stack, "wang.fang", pid, "pilot_site_flagged", site_org_code="DFCLOUD")
        assert flag["context"]["missed_in_a_row"] == 2
        dfcloud = (await sites_by_code(stack, pid, "wang.fang"))["DFCLOUD"]
        assert (dfcloud["flagged"], dfcloud["missed_in_a_row"]) == (True, 2)
        assert (await sites_by_code(stack, pid, "wang.fang"))["PUDONG"]["flagged"] is False
        await complete(stack, "wang.fang", flag["id"], {"decision": "acknowledge", "note": "Called DFCLOUD."})

        for month in (4, 5):
            await time_skipping_env.sleep(MONTH)
            await report(stack, pid, month)
        await time_skipping_env.sleep(MONTH + timedelta(days=5))  # past the six months
        final = await task_of(stack, "lin.tao", pid, "pilot_final_report")
        no_metrics = await http.post(f"/api/v1/tasks/{final['id']}/complete", headers=await stack.login("lin.tao"),
                                     json={"decision": "submit", "summary": "Done.", "metrics": {}})
        assert no_metrics.status_code == 422 and "metrics" in str(no_metrics.json()["detail"])
        await complete(stack, "lin.tao", final["id"], {
            "decision": "submit", "summary": "All 50 blocks publish through the interface.",
            "metrics": {"blocks_connected": 50, "api_uptime": 99.7},
        })
        summary = await handle.result()  # DFCLOUD's final report lapses while the test server skips ahead

    assert summary["flagged_sites"] == ["DFCLOUD"]
    assert summary["final_metrics"] == {"PUDONG": {"blocks_connected": 50.0, "api_uptime": 99.7}}
    outcome = {s["org_code"]: (s["status"], s["reports_submitted"], s["reports_missed"]) for s in summary["sites"]}
    assert outcome == {"PUDONG": ("completed", 6, 0), "DFCLOUD": ("lapsed", 0, 6)}

    actions = await audit_actions(http, await stack.login("wang.fang"), pid)
    assert actions.count("pilot.progress_report_submitted") == 5 and actions.count("pilot.site_flagged") == 1
    assert actions.count("pilot.report_missed") == 6
    assert actions[-1] == "pilot.finished" and "pilot.flag_acknowledged" in actions


async def test_reports_are_read_by_who_may_read_the_project(skipping_stack, time_skipping_env, sessions):
    stack, http = skipping_stack, skipping_stack.http
    project = await submitted_project(stack)
    pid = project["id"]
    async with pilot_stage(stack, time_skipping_env.client, sessions, await project_input(stack, project)):
        await enrol(stack, pid)
        await plans(stack, pid)
        await time_skipping_env.sleep(MONTH + timedelta(days=1))
        await report(stack, pid, 1)

        pudong = (await sites_by_code(stack, pid, "li.wei"))["PUDONG"]  # the lead organisation reads every site
        detail = await http.get(f"/api/v1/pilots/{pudong['id']}", headers=await stack.login("li.wei"))
        assert detail.status_code == 200, detail.text
        assert detail.json()["plan"].startswith("lin.tao:")
        [progress] = detail.json()["reports"]
        assert (progress["kind"], progress["period"]) == ("progress", 1)
        assert progress["metrics"] == {"blocks_connected": 10.0, "api_uptime": 99.5}

        # A pilot lead holds tasks of the project, so reads its record: every site, the others' reports too.
        assert sorted(await sites_by_code(stack, pid, "lin.tao")) == ["DFCLOUD", "PUDONG"]
        dfcloud = (await sites_by_code(stack, pid, "wang.fang"))["DFCLOUD"]
        assert (await http.get(f"/api/v1/pilots/{dfcloud['id']}", headers=await stack.login("lin.tao"))).status_code == 200

        outsider = await stack.login("luo.ming")
        assert (await http.get(f"/api/v1/pilots/{pudong['id']}", headers=outsider)).status_code == 404
        assert (await http.get(f"/api/v1/projects/{pid}/pilots", headers=outsider)).status_code == 404
