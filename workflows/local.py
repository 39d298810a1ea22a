"""The short database writes a workflow makes on each step — the step itself (apply_step) and its
notices (notify) — run as local activities: in the worker that runs the workflow task, in that task,
with no round trip through the server's task queues and no workflow task of their own to report
back. Each is idempotent (a step is written once by its id, a notice once by its key), so a worker
that dies in the middle simply runs it again.

Histories recorded before this change scheduled them as ordinary activities and replay that way:
`workflow.patched` tells the two apart."""

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

LOCAL_WRITES = "local-writes"


def execute_write(method: Callable[..., Awaitable[Any]], arg: Any, *, timeout: timedelta,
                  retry: RetryPolicy) -> Awaitable[Any]:
    if workflow.patched(LOCAL_WRITES):
        return workflow.execute_local_activity_method(method, arg, start_to_close_timeout=timeout, retry_policy=retry)
    return workflow.execute_activity_method(method, arg, start_to_close_timeout=timeout, retry_policy=retry)
