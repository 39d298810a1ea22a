"""A decision traced from the HTTP request through the Temporal update into the workflow and the
activity that writes its step."""

import uuid

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client

from standardflow import tracing
from tests.conftest import app_stack
from tests.helpers import create_proposal, inbox
from tests.payload_keys import CONVERTER

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
    spans.clear()

    done = await stack.http.post(f"/api/v1/tasks/{screening['id']}/complete", json={"decision": "accept"},
                                 headers=secretary)

    assert done.status_code == 200, done.text
    finished = spans.get_finished_spans()
    by_id = {s.context.span_id: s for s in finished}
    [request] = [s for s in finished if s.name == "POST /api/v1/tasks/{task_id}/complete"]
    [update] = [s for s in finished if s.name == "StartWorkflowUpdate:complete_task"]
    assert update.context.trace_id == request.context.trace_id and update.parent.span_id == request.context.span_id
    # The workflow handles the update in its own trace, the one its start began (the SDK's interceptor
    # links a signal's or an update's handling to the caller instead of adopting it): linked to the call.
    [handled] = [s for s in finished if s.name == "HandleUpdate:complete_task"]
    assert [link.context.span_id for link in handled.links] == [update.context.span_id]
    # The step the decision leads to is written by the apply_step activity, in that trace.
    steps = [s for s in finished if s.name == "RunActivity:apply_step"]
    assert steps and all(s.context.trace_id == handled.context.trace_id for s in steps)
    assert all(by_id[s.parent.span_id].name == "StartActivity:apply_step" for s in steps)
