"""A decision traced from the HTTP request through the Temporal update into the workflow and the
activity that writes its step."""

import json
import logging
import uuid

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client, WorkflowUpdateFailedError

from standardflow import logs, tracing
from tests.conftest import app_stack
from tests.helpers import create_proposal, inbox
from tests.payload_keys import CONVERTER
from tests.workflows.histories import replayer
from workflows.core.models import TaskDecision

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
async def traced(engine, temporal_client: Client, tmp_path):
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    client = Client(temporal_client.service_client, namespace=temporal_client.namespace, data_converter=CONVERTER,
                    interceptors=tracing.temporal_interceptors(provider))
    async with app_stack(engine, client, tmp_path, f"sf-traced-{uuid.uuid4().hex[:8]}",
                         tracer_provider=provider) as stack:
        yield stack, spans


async def test_a_completion_is_traced_from_the_request_to_the_steps_activity(traced):
    stack, spans = traced
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    project = await create_proposal(stack.http, proposer)
    assert (await stack.http.post(f"/api/v1/projects/{project['id']}/submit", headers=proposer)).status_code == 200
    [screening] = await inbox(stack.http, secretary, project["id"])
    [started] = [s for s in spans.get_finished_spans() if s.name == "StartWorkflow:ProjectWorkflow"]
    spans.clear()

    done = await stack.http.post(f"/api/v1/tasks/{screening['id']}/complete", json={"decision": "accept"},
                                 headers=secretary)

    assert done.status_code == 200, done.text
    finished = spans.get_finished_spans()
    by_id = {s.context.span_id: s for s in finished}
    [request] = [s for s in finished if s.name == "POST /api/v1/tasks/{task_id}/complete"]
    [update] = [s for s in finished if s.name == "StartWorkflowUpdate:complete_task"]
    assert update.context.trace_id == request.context.trace_id and update.parent.span_id == request.context.span_id
    # The workflow handles the update in the request's trace, linked to the trace its start began.
    [handled] = [s for s in finished if s.name == "HandleUpdate:complete_task"]
    assert handled.context.trace_id == request.context.trace_id and handled.parent.span_id == update.context.span_id
    assert [link.context.span_id for link in handled.links] == [started.context.span_id]
    # The seal's check and the decision's own step, written by the apply_step activity, descend from the
    # update's handling: one trace from the request to the row. What the run goes on to do (opening the
    # ballot, and its step) stays in the run's own trace.
    def ancestors(span):
        while span.parent is not None and span.parent.span_id in by_id:
            span = by_id[span.parent.span_id]
            yield span.name
    [sealed] = [s for s in finished if s.name == "RunActivity:verify_decision"]
    [step, *later] = [s for s in finished if s.name == "RunActivity:apply_step"]
    for ran in (sealed, step):
        assert ran.context.trace_id == request.context.trace_id
        assert "HandleUpdate:complete_task" in list(ancestors(ran)), list(ancestors(ran))
    assert by_id[step.parent.span_id].name == "StartActivity:apply_step"
    assert later and all(s.context.trace_id == started.context.trace_id for s in later)

async def test_a_workflows_json_line_carries_its_identity_and_the_decisions_trace_and_replay_writes_none(
        traced, caplog):
    stack, spans = traced
    logs.stamp_records()
    caplog.set_level(logging.INFO, logger="temporalio.workflow")
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    project = await create_proposal(stack.http, proposer)
    assert (await stack.http.post(f"/api/v1/projects/{project['id']}/submit", headers=proposer)).status_code == 200
    [screening] = await inbox(stack.http, secretary, project["id"])
    caplog.clear()

    done = await stack.http.post(f"/api/v1/tasks/{screening['id']}/complete", json={"decision": "accept"},
                                 headers=secretary)

    assert done.status_code == 200, done.text
    [request] = [s for s in spans.get_finished_spans() if s.name == "POST /api/v1/tasks/{task_id}/complete"]
    lines = [json.loads(logs.JsonFormatter().format(r)) for r in caplog.records if "is at stage" in r.getMessage()]
    [line] = [line for line in lines if line.get("trace_id") == f"{request.context.trace_id:032x}"]
    assert line["message"].startswith(f"project {project['id']} is at stage committee_review, step ballot")
    assert line["level"] == "INFO" and line["temporal_workflow"]["workflow_id"] == f"project-{project['id']}"
    assert line["temporal_workflow"]["workflow_type"] == "ProjectWorkflow"

    handle = stack.worker.client.get_workflow_handle(f"project-{project['id']}")
    history = await handle.fetch_history()
    caplog.clear()
    replayed = await replayer().replay_workflow(history, raise_on_replay_failure=False)
    assert replayed.replay_failure is None
    assert not [r for r in caplog.records if "is at stage" in r.getMessage()], "a replay logs nothing again"


async def test_each_request_has_an_id_and_its_json_access_line_carries_it_and_the_trace(traced, caplog):
    stack, spans = traced
    logs.stamp_records()
    caplog.set_level(logging.INFO, logger=logs.ACCESS.name)
    proposer = await stack.login("li.wei")

    given = await stack.http.get("/api/v1/me", headers={**proposer, "X-Request-ID": "proxy-7f3a.1"})
    made = await stack.http.get("/api/v1/me", headers={**proposer, "X-Request-ID": "not an id; drop table"})

    assert given.status_code == made.status_code == 200
    assert given.headers["x-request-id"] == "proxy-7f3a.1"
    assert made.headers["x-request-id"] != "not an id; drop table" and len(made.headers["x-request-id"]) == 32
    lines = [json.loads(logs.JsonFormatter().format(record)) for record in caplog.records
             if record.name == logs.ACCESS.name and getattr(record, "route", "") == "/api/v1/me"]
    assert [line["request_id"] for line in lines] == ["proxy-7f3a.1", made.headers["x-request-id"]]
    [request] = [s for s in spans.get_finished_spans() if s.name == "GET /api/v1/me"][:1]
    assert lines[0]["trace_id"] == f"{request.context.trace_id:032x}"
    assert (lines[0]["method"], lines[0]["status"], lines[0]["logger"]) == ("GET", 200, "standardflow.access")


async def test_an_activitys_json_line_names_the_activity_and_its_trace(traced, caplog):
    """A decision sent to Temporal without a seal: the worker's check refuses it and says so in its log,
    through the SDK's activity logger."""
    stack, spans = traced
    logs.stamp_records()
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    project = await create_proposal(stack.http, proposer)
    assert (await stack.http.post(f"/api/v1/projects/{project['id']}/submit", headers=proposer)).status_code == 200
    [screening] = await inbox(stack.http, secretary, project["id"])
    me = (await stack.http.get("/api/v1/me", headers=secretary)).json()
    caplog.set_level(logging.WARNING, logger="temporalio.activity")

    unsealed = TaskDecision(task_id=screening["id"], decision={"decision": "accept"}, actor_id=me["id"])
    with pytest.raises(WorkflowUpdateFailedError):
        await stack.worker.client.get_workflow_handle(f"project-{project['id']}").execute_update(
            "complete_task", unsealed, id=f"unsealed-{uuid.uuid4().hex[:8]}", result_type=dict)

    [record] = [r for r in caplog.records if "refused a decision" in r.getMessage()]
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["temporal_activity"]["activity_type"] == "verify_decision"
    assert line["temporal_activity"]["workflow_id"] == f"project-{project['id']}"
    [ran] = [s for s in spans.get_finished_spans() if s.name == "RunActivity:verify_decision"]
    assert (line["trace_id"], line["span_id"]) == (f"{ran.context.trace_id:032x}", f"{ran.context.span_id:016x}")
