"""OpenTelemetry traces: one trace from the HTTP request through the Temporal client's update or
start, the workflow and the activities it runs, exported by OTLP over HTTP when
STANDARDFLOW_OTLP_ENDPOINT is set (e.g. http://collector:4318/v1/traces); without it nothing is
traced and nothing costs.

The API's requests are traced by OpenTelemetry's FastAPI instrumentation; the client and the worker
by the Temporal SDK's TracingInterceptor, which carries the trace in Temporal's headers from the API
to the worker and writes the workflow's spans replay-safely. A decision's update is handled in the
trace of the request that sent it (the SDK's interceptor would handle it in the workflow's own trace,
linked to the request), and the step it leads to is written in it too (workflows/core/traces.py): one
trace from the person's click to the row written."""

from typing import Any

import temporalio.workflow
from opentelemetry import context, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from temporalio.contrib.opentelemetry import TracingInterceptor, TracingWorkflowInboundInterceptor
from temporalio.contrib.opentelemetry._interceptor import _CompletedWorkflowSpanParams  # the SDK's span record
from temporalio.worker import HandleUpdateInput, WorkflowInboundInterceptor, WorkflowInterceptorClassInput

from standardflow.config import Settings

TRACER = "standardflow"


def provider(settings: Settings, service: str) -> TracerProvider | None:
    """A provider exporting to the settings' OTLP endpoint, for the process `service` (api, worker)."""
    if not settings.otlp_endpoint:
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    traced = TracerProvider(resource=Resource.create({"service.name": f"standardflow-{service}"}))
    traced.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otlp_endpoint)))
    return traced


class UpdatesInCallersTrace(TracingWorkflowInboundInterceptor):
    """Handles an update in the trace of the call that sent it: its HandleUpdate span is the child of
    the caller's StartWorkflowUpdate span (linked to the workflow's run), and what the handler starts
    — the seal's check, and through workflows/core/traces.py the step's write — descends from it. An
    update sent without a trace is handled as the SDK's interceptor does."""

    async def handle_update_handler(self, input: HandleUpdateInput) -> Any:  # noqa: A002 - the SDK's name
        header = input.headers.get(self.header_key)
        if not header:
            return await super().handle_update_handler(input)
        caller = self.payload_converter.from_payloads([header])[0]
        handled = self._set_on_context(self.text_map_propagator.extract(caller))
        if not temporalio.workflow.unsafe.is_replaying():
            carrier = self._extern_functions["__temporal_opentelemetry_completed_span"](_span(
                caller, f"HandleUpdate:{input.update}", self._load_workflow_context_carrier()))
            if carrier:
                handled = self._set_on_context(self.text_map_propagator.extract(carrier))
        token = context.attach(handled)
        try:
            return await WorkflowInboundInterceptor.handle_update_handler(self, input)
        finally:
            context.detach(token)


def _span(parent: dict, name: str, link: dict | None) -> _CompletedWorkflowSpanParams:
    info = temporalio.workflow.info()
    return _CompletedWorkflowSpanParams(
        context=parent, name=name, attributes={"temporalWorkflowID": info.workflow_id, "temporalRunID": info.run_id},
        time_ns=temporalio.workflow.time_ns(), link_context=link, exception=None, kind=trace.SpanKind.SERVER,
        parent_missing=False)


class StandardFlowTracing(TracingInterceptor):
    """The SDK's tracing interceptor, with decisions' updates handled in their caller's trace."""

    def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput) -> type[TracingWorkflowInboundInterceptor]:  # noqa: A002
        super().workflow_interceptor_class(input)
        return UpdatesInCallersTrace


def temporal_interceptors(traced: TracerProvider | None) -> list[TracingInterceptor]:
    """The Temporal client's interceptors; a worker built on the client takes them on too."""
    return [StandardFlowTracing(traced.get_tracer(TRACER))] if traced is not None else []


def instrument_api(app, traced: TracerProvider | None) -> None:  # noqa: ANN001 - a FastAPI app
    """OpenTelemetry's ASGI middleware, outside every other, so the refusals of the others are traced
    too; each server span is named by its route's template once routing has found it (name_request)."""
    if traced is None:
        return
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    app.add_middleware(OpenTelemetryMiddleware, tracer_provider=traced, excluded_urls="healthz,readyz,metrics",
                       exclude_spans=["receive", "send"])


def name_request(method: str, route: str) -> None:
    """Names the request's server span, if one is recording, after the route's template."""
    span = trace.get_current_span()
    if span.is_recording():
        span.update_name(f"{method} {route}")
        span.set_attribute("http.route", route)
