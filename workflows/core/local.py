"""The short database writes a workflow makes on each step — the step itself (apply_step) and its
notices (notify) — run as local activities: in the worker that runs the workflow task, in that task,
with no round trip through the server's task queues and no workflow task of their own to report
back. Each is idempotent (a step is written once by its id, a notice once by its key), so a worker
that dies in the middle simply runs it again.

Histories recorded before this change scheduled them as ordinary activities and replay that way:
`workflow.patched` tells the two apart.

The stages' own writes and look-ups (the consultation's closing and conclusion, the publisher, the
number, the evaluation and a revision's opening) followed later under their own patch
(STAGE_WRITES_LOCAL, `execute_stage`): each is as short and as idempotent, and as an ordinary
activity each cost a workflow task and six history events."""

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

from workflows.core import versions

LOCAL_WRITES = "local-writes"
STAGE_WRITES_LOCAL = "stage-writes-local"
_NO_ARG = object()


def execute_write(method: Callable[..., Awaitable[Any]], arg: Any, *, timeout: timedelta,
                  retry: RetryPolicy) -> Awaitable[Any]:
    if versions.has(LOCAL_WRITES):
        return workflow.execute_local_activity_method(method, arg, start_to_close_timeout=timeout, retry_policy=retry)
    return workflow.execute_activity_method(method, arg, start_to_close_timeout=timeout, retry_policy=retry)


def execute_stage(method: Callable[..., Awaitable[Any]], arg: Any = _NO_ARG, *, timeout: timedelta,
                  retry: RetryPolicy) -> Awaitable[Any]:
    """A stage's activity: local in runs that reached it on this code, ordinary in runs recorded before."""
    args = () if arg is _NO_ARG else (arg,)
    if versions.has(STAGE_WRITES_LOCAL):
        return workflow.execute_local_activity_method(method, *args, start_to_close_timeout=timeout,
                                                      retry_policy=retry)
    return workflow.execute_activity_method(method, *args, start_to_close_timeout=timeout, retry_policy=retry)
