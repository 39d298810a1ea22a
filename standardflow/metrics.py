"""The worker's Prometheus metrics, served at /metrics on its health port (standardflow/health.py):
the Temporal SDK's own — workflow and activity task latencies, polls, cache, requests to the server,
all prefixed `temporal_` — and `standardflow_activities_total{activity, local, outcome}`, each
activity the worker ran (local activities too) by how it ended: completed, failed or cancelled.

The SDK exports through its runtime's Prometheus option, which listens on an address of its own; the
worker gives it a free loopback port, and the health port passes its text on beside ours."""

import asyncio
import socket
import urllib.request
from typing import Any

from prometheus_client import CollectorRegistry, Counter, generate_latest
from temporalio import activity
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

READ_WITHIN_S = 2.0


def _free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WorkerMetrics:
    def __init__(self) -> None:
        self.sdk_address = f"127.0.0.1:{_free_loopback_port()}"
        # The runtime the worker's client (and so the worker) runs on: one per process.
        self.runtime = Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=self.sdk_address)))
        self.registry = CollectorRegistry()
        self.activities = Counter("standardflow_activities", "Activities run, by type, local or not, and outcome",
                                  ["activity", "local", "outcome"], registry=self.registry)
        self.interceptor = _Outcomes(self.activities)

    def exposition(self) -> bytes:
        """The SDK's metrics and ours, for one scrape (called on the health server's thread)."""
        try:
            with urllib.request.urlopen(f"http://{self.sdk_address}/metrics", timeout=READ_WITHIN_S) as answer:
                sdk = answer.read()
        except OSError as exc:
            sdk = f"# the Temporal SDK's metrics did not answer: {exc}\n".encode()
        return sdk + generate_latest(self.registry)


class _Outcomes(Interceptor):
    def __init__(self, counter: Counter) -> None:
        self._counter = counter

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:  # noqa: A002
        return _Counting(next, self._counter)


class _Counting(ActivityInboundInterceptor):
    def __init__(self, next: ActivityInboundInterceptor, counter: Counter) -> None:  # noqa: A002
        super().__init__(next)
        self._counter = counter

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:  # noqa: A002
        info, outcome = activity.info(), "failed"
        try:
            result = await super().execute_activity(input)
            outcome = "completed"
            return result
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            self._counter.labels(activity=info.activity_type, local=str(info.is_local).lower(), outcome=outcome).inc()
