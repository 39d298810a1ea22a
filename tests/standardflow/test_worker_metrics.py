"""The worker's own metric: each activity it ran, local or not, by how it ended."""

import uuid

import pytest
from temporalio.worker import Worker

from standardflow.metrics import WorkerMetrics
from tests.workflows.late_registration import OpensOnSignal
from tests.workflows.test_late_registration import _early, _started
from workflows.core.sandbox import runner
from workflows.worker import SHARED, activities

pytestmark = pytest.mark.timeout(120)


def _count(metrics: WorkerMetrics, activity: str, outcome: str) -> float:
    return metrics.registry.get_sample_value(
        "standardflow_activities_total", {"activity": activity, "local": "true", "outcome": outcome}) or 0


async def test_the_activities_a_decision_runs_are_counted_by_outcome(stack, temporal_client, sessions):
    metrics = WorkerMetrics()
    queue = f"sf-metrics-{uuid.uuid4().hex[:8]}"
    async with Worker(temporal_client, task_queue=queue, workflows=[OpensOnSignal],
                      activities=activities(sessions, stack.settings.key_ring("decision")),
                      workflow_runner=runner(SHARED), interceptors=[metrics.interceptor]):
        handle, inp, _, actor = await _started(stack, temporal_client, queue)
        update = await _early(handle, inp, actor, "acknowledge", stack.settings.key_ring("decision"))
        await handle.signal(OpensOnSignal.go)
        await update.result()
        assert await handle.result() == "acknowledge"

    # The seal's check, and the steps that opened the task and recorded the decision.
    assert _count(metrics, "verify_decision", "completed") == 1
    assert _count(metrics, "apply_step", "completed") >= 2
    assert _count(metrics, "apply_step", "failed") == 0
    scraped = metrics.exposition().decode()
    assert 'standardflow_activities_total{activity="apply_step",local="true",outcome="completed"}' in scraped
