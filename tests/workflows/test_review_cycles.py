"""Periodic review, cycle after cycle: each review continues as a new run, so the history of a
standard that stands for decades stays small."""

from datetime import UTC, datetime, timedelta

import pytest

from services.projects.models import StandardType
from services.projects.policy import policy_for
from tests.helpers import create_proposal, eventually, inbox
from workflows.core.models import ProjectInput
from workflows.project.workflow import ProjectWorkflow, project_workflow_id

CYCLES = 6


@pytest.mark.timeout(300)
async def test_review_cycles_continue_as_new_runs(skipping_stack, time_skipping_env):
    stack, env = skipping_stack, time_skipping_env
    http = stack.http
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    project = await create_proposal(http, proposer)
    committee = next(c for c in (await http.get("/api/v1/committees", headers=proposer)).json()
                     if c["id"] == project["committee_id"])
    published = datetime.now(UTC)
    handle = await env.client.start_workflow(
        ProjectWorkflow.run,
        ProjectInput(project_id=project["id"], proposer_id=project["proposer_id"],
                     lead_org_id=project["lead_org_id"], committee_id=committee["id"],
                     committee_org_id=committee["org_id"],
                     policy=policy_for(StandardType.group),
                     review_since=published),
        id=project_workflow_id(project["id"]), task_queue=stack.settings.task_queue,
    )
    run_ids = []
    for cycle in range(CYCLES):
        await env.sleep(timedelta(days=365 * 5 - 2))
        assert await inbox(http, secretary, project["id"], kind="periodic_review") == []
        await env.sleep(timedelta(days=3))
        review = await eventually(lambda: inbox(http, secretary, project["id"], kind="periodic_review"),
                                  lambda tasks: len(tasks) == 1)
        described = await env.client.get_workflow_handle(handle.id).describe()
        run_ids.append(described.run_id)
        assert described.raw_description.workflow_execution_info.history_length < 120
        done = await http.post(f"/api/v1/tasks/{review[0]['id']}/complete",
                               json={"decision": "confirm", "reasons": ""}, headers=secretary)
        assert done.status_code == 200, done.text
    assert len(set(run_ids)) == CYCLES  # every cycle ran in a run of its own
    audit = (await http.get(f"/api/v1/projects/{project['id']}/audit", headers=proposer)).json()
    assert [e["data"]["decision"] for e in audit if e["action"] == "review.decided"] == ["confirm"] * CYCLES
    await env.client.get_workflow_handle(handle.id).terminate("end of test")
