"""What the API asks of Temporal: start a project's, a coordination request's or a co-drafter
invitation's workflow, deliver decisions, withdraw an invitation, read a project's state. Every
workflow the API starts is started here, under its id and with the same id policies."""

from collections.abc import Sequence
from typing import Any

from temporalio.client import Client, Interceptor as ClientInterceptor, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError
from temporalio.runtime import Runtime
from temporalio.service import RPCError, TLSConfig

from workflows.consent.workflow import CoDrafterConsentInput, CoDrafterConsentWorkflow
from workflows.coordination.workflow import CoordinationInput, CoordinationWorkflow, coordination_workflow_id
from workflows.core.models import ProjectInput, ProjectSnapshot, TaskDecision
from workflows.project.workflow import ProjectWorkflow, project_workflow_id


class DecisionRefused(Exception):
    """The workflow refused a decision: `key` is the message id of why (workflows/core/refusals.py), or the
    words themselves from a workflow that gave none, and `values` fill it in."""

    def __init__(self, key: str, values: dict) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class WorkflowUnavailable(Exception):
    """Temporal could not be reached, or the workflow is gone."""


async def connect(address: str, namespace: str, tls: TLSConfig | bool = False, api_key: str | None = None, *,
                  data_converter: DataConverter, runtime: Runtime | None = None,
                  interceptors: Sequence[ClientInterceptor] = ()) -> Client:
    """A client of the frontend at `address`; `tls` True for TLS with the system's CAs, or a TLSConfig
    (a CA, a client certificate and key, the server name to check); `api_key` for Temporal Cloud.
    `data_converter` is the one every client and worker shares (services/crypto/codec.data_converter),
    which encrypts every payload. `runtime`: the SDK runtime to run on (one exporting metrics), else
    the default one. `interceptors`: the client's, which a worker built on it takes on too (tracing)."""
    return await Client.connect(address, namespace=namespace, data_converter=data_converter, tls=tls,
                                api_key=api_key or None, runtime=runtime, interceptors=list(interceptors))


async def answers(client: Client | None) -> bool:
    """Whether Temporal's frontend answers its health check (a readiness check)."""
    if client is None:
        return False
    try:
        return await client.service_client.check_health()
    except Exception:  # noqa: BLE001 - any failure means it does not answer
        return False


async def start_project(client: Client, task_queue: str, inp: ProjectInput) -> ProjectSnapshot:
    """Start (or find already started) the project's workflow, and wait until it waits for people."""
    return await _start_settled(client, task_queue, ProjectWorkflow.run, inp, project_workflow_id(inp.project_id),
                                ProjectWorkflow.settled)


async def start_coordination(client: Client, task_queue: str, inp: CoordinationInput) -> None:
    """Start (or find already started) the request's workflow, and wait until its task is open."""
    await _start_settled(client, task_queue, CoordinationWorkflow.run, inp, coordination_workflow_id(inp.request_id),
                         CoordinationWorkflow.settled)


async def start_consent(client: Client, task_queue: str, workflow_id: str, inp: CoDrafterConsentInput) -> None:
    """Start (or find already started) an invitation's workflow under the id the invitation was given,
    and wait until its task is open."""
    await _start_settled(client, task_queue, CoDrafterConsentWorkflow.run, inp, workflow_id,
                         CoDrafterConsentWorkflow.settled)


async def withdraw_consent(client: Client, workflow_id: str) -> None:
    """Cancel a dropped invitation's task; one already decided or gone needs nothing."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        await handle.execute_update(CoDrafterConsentWorkflow.withdraw)
    except RPCError as exc:
        if "not found" not in str(exc).lower() and "completed" not in str(exc).lower():
            raise WorkflowUnavailable(str(exc)) from exc


async def _start_settled(client: Client, task_queue: str, run: Any, inp: Any, workflow_id: str, settled: Any) -> Any:
    """A workflow id names one workflow for good: a second start finds the running one (and a closed
    one is never started again); the `settled` update answers once the workflow waits for people."""
    try:
        handle = await client.start_workflow(
            run, inp, id=workflow_id, task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
        return await handle.execute_update(settled)
    except RPCError as exc:
        raise WorkflowUnavailable(str(exc)) from exc


async def complete_task(client: Client, workflow_id: str, decision: TaskDecision) -> dict:
    """Deliver a decision to the workflow that opened the task (a project, ballot, panel, pilot site or
    coordination request: each has a `complete_task` update). The update id is the task's, so a
    retried request is applied once."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        return await handle.execute_update(
            "complete_task", decision, id=f"task-{decision.task_id}", result_type=dict
        )
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError):
            details = cause.details[0] if cause.details and isinstance(cause.details[0], dict) else {}
            raise DecisionRefused(cause.message, details) from exc
        raise DecisionRefused(str(cause or exc), {}) from exc
    except RPCError as exc:
        raise WorkflowUnavailable(str(exc)) from exc


async def project_state(client: Client, workflow_id: str) -> ProjectSnapshot:
    try:
        return await client.get_workflow_handle(workflow_id).query(ProjectWorkflow.state)
    except RPCError as exc:
        raise WorkflowUnavailable(str(exc)) from exc
