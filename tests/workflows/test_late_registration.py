"""A decision that reaches a workflow before the workflow has registered its task.

A step's tasks are written by a local activity inside a workflow task. When the worker dies in that
task, the rows are already visible, and a person may decide before the worker that replays the run
has reached the step. Such a decision waits for the run to catch up and is then checked like any
other: taken if the task opens and the decision is allowed, refused with the reason otherwise."""

import uuid

import pytest
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateStage
from temporalio.worker import Worker

from api.pipeline import sealed
from services.crypto.keyring import KeyRing
from services.errors import Conflict
from tests.helpers import create_proposal, inbox
from tests.workflows.late_registration import OpensOnSignal, OpensOnSignalInput
from workflows.core.sandbox import runner
from workflows.worker import SHARED, activities

pytestmark = pytest.mark.timeout(120)


async def _started(stack, temporal_client, queue: str, *, opens: bool = True):
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    project = await create_proposal(stack.http, proposer)
    me = (await stack.http.get("/api/v1/me", headers=secretary)).json()
    inp = OpensOnSignalInput(project_id=project["id"], task_id=uuid.uuid4(), assignee_id=me["id"], opens=opens)
    handle = await temporal_client.start_workflow(OpensOnSignal.run, inp, id=f"late-{inp.task_id}", task_queue=queue)
    return handle, inp, secretary, me["id"]


async def _early(handle, inp: OpensOnSignalInput, actor_id: str, decision: str, keys: KeyRing):
    """Delivers the decision, sealed as the API seals it, and returns once the workflow has accepted it
    (its validator passed)."""
    return await handle.start_update(
        OpensOnSignal.complete_task,
        sealed(keys, inp.task_id, {"decision": decision}, uuid.UUID(str(actor_id))),
        id=f"task-{inp.task_id}", wait_for_stage=WorkflowUpdateStage.ACCEPTED,
    )


@pytest.fixture
async def queue(stack, temporal_client, sessions):
    name = f"sf-late-{uuid.uuid4().hex[:8]}"
    async with Worker(temporal_client, task_queue=name, workflows=[OpensOnSignal], activities=activities(sessions, stack.settings.key_ring("decision")),
                      workflow_runner=runner(SHARED)):
        yield name


async def test_a_decision_before_its_task_is_registered_is_taken_once_the_task_opens(stack, temporal_client, queue):
    handle, inp, secretary, actor = await _started(stack, temporal_client, queue)
    update = await _early(handle, inp, actor, "acknowledge", stack.settings.key_ring("decision"))
    await handle.signal(OpensOnSignal.go)

    outcome = await update.result()
    assert outcome["open_tasks"] == []
    assert await handle.result() == "acknowledge"
    assert await inbox(stack.http, secretary, str(inp.project_id)) == []
    task = await stack.http.get(f"/api/v1/tasks/{inp.task_id}", headers=secretary)
    assert task.status_code == 200, task.text
    assert (task.json()["state"], task.json()["decision"]["decision"]) == ("completed", "acknowledge")


def said(refused: WorkflowUpdateFailedError) -> str:
    """The refusal as the API words it: its message id, with the values the failure carries."""
    cause = refused.cause
    return Conflict(cause.message, **(cause.details[0] if cause.details else {})).message


async def test_an_early_decision_the_task_does_not_allow_is_refused_with_the_reason(stack, temporal_client, queue):
    handle, inp, secretary, actor = await _started(stack, temporal_client, queue)
    update = await _early(handle, inp, actor, "approve", stack.settings.key_ring("decision"))
    await handle.signal(OpensOnSignal.go)

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await update.result()
    assert said(refused.value) == "the decision 'approve' is not allowed on this task now; allowed: acknowledge"
    [still_open] = await inbox(stack.http, secretary, str(inp.project_id))
    assert still_open["id"] == str(inp.task_id) and still_open["state"] == "open"
    await handle.terminate("the test is over")


async def test_an_early_decision_on_a_task_the_run_never_opens_is_refused(stack, temporal_client, queue):
    handle, inp, _, actor = await _started(stack, temporal_client, queue, opens=False)
    update = await _early(handle, inp, actor, "acknowledge", stack.settings.key_ring("decision"))
    await handle.signal(OpensOnSignal.go)

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await update.result()
    assert said(refused.value) == "this task is not open in the project's workflow"
    assert await handle.result() == ""
