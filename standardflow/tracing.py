"""OpenTelemetry traces: one trace from the HTTP request through the Temporal client's update or
start, the workflow and the activities it runs, exported by OTLP over HTTP when
STANDARDFLOW_OTLP_ENDPOINT is set (e.g. http://collector:4318/v1/traces); without it nothing is
traced and nothing costs.

The API's requests are traced by OpenTelemetry's FastAPI instrumentation; the client and the worker
by the Temporal SDK's TracingInterceptor, which carries the trace in Temporal's headers from the API
to the worker and writes the workflow's spans replay-safely."""

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from temporalio.contrib.opentelemetry import TracingInterceptor

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


def temporal_interceptors(traced: TracerProvider | None) -> list[TracingInterceptor]:
    """The Temporal client's interceptors; a worker built on the client takes them on too."""
    return [TracingInterceptor(traced.get_tracer(TRACER))] if traced is not None else []


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
