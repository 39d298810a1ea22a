"""The API's Prometheus metrics, at `GET /metrics` in the text exposition format.

- `standardflow_http_requests_total{method, route, status}` and
  `standardflow_http_request_duration_seconds{method, route}`: every answer, by the route's template
  (`/api/v1/tasks/{task_id}`, never the id itself), the refusals of the middlewares included;
- `standardflow_task_completions_total{kind, outcome}`: decisions taken through the API or the pages
  (a completion sent again, answered with the first one's outcome, counts again);
- `standardflow_inbox_query_seconds`: inbox reads (`GET /api/v1/tasks`), principal and query;
- `standardflow_open_tasks{kind, stage}` (the stage of the task's project; "" for a task of none) and
  `standardflow_overdue_tasks`: read from the database when scraped, so every replica reports the same.

With STANDARDFLOW_METRICS_TOKEN set, a scrape must send it as its bearer token (401 otherwise); unset,
/metrics answers anyone outside production and nobody in it (403), since a reverse proxy in front of
the API would otherwise publish it. Each app has a registry of its own, so that several apps in one
process (the tests) count apart.
"""

import hmac
import re
import time
import uuid

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select
from sqlmodel import col

from services.db import transaction, utcnow
from services.projects.models import StandardProject
from services.tasks.models import ACTIVE_STATES, Task
from services.tasks.schemas import TaskPublic
from standardflow import logs, tracing

REQUEST_ID_SHAPE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
UNMATCHED = "<unmatched>"  # the route of a request no route answers: one series for every such path
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("standardflow_http_requests", "HTTP requests answered, by route template and status",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("standardflow_http_request_duration_seconds", "Time to answer, by route template",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.completions = Counter("standardflow_task_completions", "Tasks completed, by kind and the decision taken",
                                   ["kind", "outcome"], registry=self.registry)
        self.inbox = Histogram("standardflow_inbox_query_seconds", "Inbox reads: the principal and the query",
                               buckets=LATENCY_BUCKETS, registry=self.registry)
        self.open_tasks = Gauge("standardflow_open_tasks", "Open tasks, by kind and stage", ["kind", "stage"],
                                registry=self.registry)
        self.overdue = Gauge("standardflow_overdue_tasks", "Open tasks past their due time", registry=self.registry)

    def completed(self, task: TaskPublic) -> None:
        outcome = (task.decision or {}).get("decision") or "none"
        self.completions.labels(kind=task.kind, outcome=str(outcome)).inc()

    async def exposition(self, request: Request) -> bytes:
        """The metrics, the task gauges read afresh."""
        async with transaction(request.app.state.sessions, read_only=True) as session:
            active = col(Task.state).in_(ACTIVE_STATES)
            stage = func.coalesce(StandardProject.stage, "")
            counts = (await session.exec(
                select(Task.kind, stage, func.count()).select_from(Task)
                .outerjoin(StandardProject, col(StandardProject.id) == Task.project_id)
                .where(active).group_by(Task.kind, stage))).all()
            overdue = await session.scalar(
                select(func.count()).select_from(Task).where(active, col(Task.due_at) < utcnow()))
        self.open_tasks.clear()
        for kind, stage, count in counts:
            self.open_tasks.labels(kind=kind, stage=str(getattr(stage, "value", stage))).set(count)
        self.overdue.set(overdue or 0)
        return generate_latest(self.registry)


def of(request: Request) -> ApiMetrics:
    return request.app.state.metrics


class RequestMetrics:
    """ASGI middleware: counts and times every HTTP answer under its route's template; gives the request
    its id (X-Request-ID, standardflow/logs.py) and writes its access line."""

    def __init__(self, app, metrics: ApiMetrics) -> None:  # noqa: ANN001 - an ASGI app
        self.app, self.metrics = app, metrics

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001 - ASGI
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500
        request_id = _request_id(scope)
        token = logs.REQUEST_ID.set(request_id)

        async def sending(message) -> None:  # noqa: ANN001
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]  # routing is done: the span still records, and learns its route
                tracing.name_request(scope["method"], _route(scope))
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route, method, took = _route(scope), scope["method"], time.perf_counter() - started
            self.metrics.requests.labels(method=method, route=route, status=str(status)).inc()
            self.metrics.latency.labels(method=method, route=route).observe(took)
            logs.ACCESS.info("%s %s %s", method, route, status, extra={
                "method": method, "route": route, "status": status, "duration_ms": round(took * 1000, 1)})
            logs.REQUEST_ID.reset(token)


def _request_id(scope) -> str:  # noqa: ANN001 - an ASGI scope
    """The caller's X-Request-ID when it is a plausible one (a proxy's), else a new one."""
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id" and REQUEST_ID_SHAPE.fullmatch(value.decode("latin-1")):
            return value.decode("latin-1")
    return uuid.uuid4().hex


def _route(scope) -> str:  # noqa: ANN001 - an ASGI scope
    return getattr(scope.get("route"), "path", None) or UNMATCHED


def install(app: FastAPI) -> None:
    """Outside the app's other middlewares, so that their refusals are counted too (inside Starlette's
    error middleware, whose 500 it counts as the exception passes, and the security headers)."""
    app.state.metrics = ApiMetrics()
    app.add_middleware(RequestMetrics, metrics=app.state.metrics)

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        refused = _refusal(request)
        if refused is not None:
            return refused
        return Response(await of(request).exposition(request), media_type=CONTENT_TYPE_LATEST)


def _refusal(request: Request) -> Response | None:
    settings = request.app.state.settings
    token = settings.metrics_token.get_secret_value()
    if not token:
        if settings.environment == "production":
            return JSONResponse({"detail": "metrics are not served in production without STANDARDFLOW_METRICS_TOKEN"},
                                status_code=403)
        return None
    sent = request.headers.get("authorization", "")
    scheme, _, credentials = sent.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(credentials.strip().encode(), token.encode()):
        return JSONResponse({"detail": "a scrape of /metrics must send STANDARDFLOW_METRICS_TOKEN as its bearer token"},
                            status_code=401, headers={"WWW-Authenticate": "Bearer"})
    return None
