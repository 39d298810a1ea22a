"""Activities that fail. The database briefly away: the step is retried until it is back, and the
project goes on. A step the data refuses for good (a constraint it violates): the committee's
secretary gets a `resolve_failure` task with the error, and retries the step once the data is put
right, or abandons it and the project is withdrawn."""

import logging
import uuid

import pytest
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError, WorkflowHandle

from api.pipeline import policy_snapshot
from services.db import transaction
from services.organisations.models import Organisation, OrgKind
from services.projects.models import StandardType
from tests.faults.conftest import block_database, unblock_database
from tests.helpers import audit_actions, committee_id, create_proposal, eventually, inbox
from tests.journey import Journey, People
from workflows.core.models import ProjectInput
from workflows.project.workflow import ProjectWorkflow, project_workflow_id


async def test_a_step_is_retried_while_the_database_is_away_and_the_project_goes_on(blockable_stack, pg_database,
                                                                                   caplog):
    stack = blockable_stack
    caplog.set_level(logging.WARNING, logger="temporalio.activity")
    j = Journey(People(stack.http))
    await j.propose("li.wei")
    await j.screen_and_vote()
    await j.submit_consultation_draft("li.wei")
    await j.stage("public_consultation")  # its durable timer closes it in three policy days (seconds)

    block_database(pg_database)
    try:
        failing = await eventually(lambda: _failed_attempts(caplog), lambda f: any(a["attempt"] >= 3 for a in f), 60)
    finally:
        unblock_database(pg_database)
    # The closing is a local activity: the worker retries it and its log shows each failed attempt.
    retried = [a for a in failing if a["attempt"] >= 3]
    assert {(a["activity_type"], a["workflow_id"]) for a in retried} == {
        ("close_consultation", project_workflow_id(j.project_id))}
    assert all("OperationalError" in a["error"] and "is not currently accepting connections" in a["error"]
               for a in retried)

    await j.dispose_all("li.wei")
    await j.stage("expert_demonstration")
    actions = await j.audit()
    assert actions.count("consultation.opened") == actions.count("consultation.closed") == 1
    assert actions.count("consultation.dispositions_done") == 1


async def _failed_attempts(caplog: pytest.LogCaptureFixture) -> list[dict]:
    """Each failed attempt the worker logged: the activity, its attempt, its workflow, the error."""
    return [{**record.temporal_activity, "error": f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"}
            for record in caplog.records
            if record.getMessage().startswith("Completing activity as failed") and record.exc_info]


async def _start_with_a_missing_organisation(stack, missing: uuid.UUID) -> tuple[str, WorkflowHandle]:
    """A proposal whose workflow offers its screening to the secretaries of an organisation that has
    no row: writing the task breaks the task table's foreign key, which no retry can mend."""
    proposer = await stack.login("li.wei")
    project = await create_proposal(stack.http, proposer)
    committee = uuid.UUID(await committee_id(stack.http, proposer))
    me = (await stack.http.get("/api/v1/me", headers=proposer)).json()
    start = ProjectInput(
        project_id=project["id"], proposer_id=me["id"], lead_org_id=me["memberships"][0]["org_id"],
        committee_id=committee, committee_org_id=missing,
        policy=policy_snapshot(StandardType.group, stack.settings),
    )
    handle = await stack.worker.client.start_workflow(
        ProjectWorkflow.run, start, id=project_workflow_id(project["id"]), task_queue=stack.settings.task_queue,
    )
    return project["id"], handle


async def _failure_task(stack, secretary: dict, pid: str) -> dict:
    [task] = await eventually(lambda: inbox(stack.http, secretary, pid), lambda ts: len(ts) == 1)
    assert task["kind"] == "resolve_failure"
    assert "foreign key" in task["context"]["error"].lower()
    assert task["context"]["error_type"] == "IntegrityError"
    assert task["context"]["step"]["opens"] == ["screen_proposal"]
    return task


async def test_a_step_refused_for_good_is_abandoned_by_the_secretary_and_the_project_withdrawn(stack):
    secretary = await stack.login("wang.fang")
    pid, handle = await _start_with_a_missing_organisation(stack, uuid.uuid4())
    task = await _failure_task(stack, secretary, pid)
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING  # waiting, not stuck

    url = f"/api/v1/tasks/{task['id']}/complete"
    refused = await stack.http.post(url, json={"decision": "abandon"}, headers=secretary)
    assert refused.status_code == 422 and "reasons are required" in refused.text
    abandoned = await stack.http.post(
        url, json={"decision": "abandon", "reasons": "The committee's organisation is gone."}, headers=secretary)
    assert abandoned.status_code == 200, abandoned.text
    assert abandoned.json()["state"] == "completed"

    project = (await stack.http.get(f"/api/v1/projects/{pid}", headers=secretary)).json()
    assert project["status"] == "withdrawn"
    assert await inbox(stack.http, secretary, pid) == []
    actions = await audit_actions(stack.http, secretary, pid)
    assert actions == ["project.created", "step.failed", "project.withdrawn"]
    with pytest.raises(WorkflowFailureError) as ended:  # it has nothing left to wait for
        await handle.result()
    assert ended.value.cause.message == "withdrawn after a step failed: The committee's organisation is gone."


async def test_a_step_refused_for_good_is_retried_once_the_data_is_put_right(stack, sessions):
    secretary = await stack.login("wang.fang")
    missing = uuid.uuid4()
    pid, handle = await _start_with_a_missing_organisation(stack, missing)
    task = await _failure_task(stack, secretary, pid)

    async with transaction(sessions) as session:  # an administrator restores the organisation's row
        session.add(Organisation(id=missing, code=f"R{missing.hex[:8]}", name_zh="恢复的协会",
                                 name_en="Restored association", kind=OrgKind.industry))
    retried = await stack.http.post(f"/api/v1/tasks/{task['id']}/complete", json={"decision": "retry"},
                                    headers=secretary)
    assert retried.status_code == 200, retried.text

    screening = await eventually(lambda: inbox(stack.http, secretary, pid), lambda ts: len(ts) == 1)
    assert [t["kind"] for t in screening] == ["screen_proposal"]
    project = (await stack.http.get(f"/api/v1/projects/{pid}", headers=secretary)).json()
    assert (project["stage"], project["step"], project["status"]) == ("committee_review", "screening", "active")
    actions = await audit_actions(stack.http, secretary, pid)
    assert actions == ["project.created", "step.failed", "step.retried", "project.submitted"]
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
