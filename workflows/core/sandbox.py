"""The sandbox the worker runs workflows in: the SDK's, with the few statements it passes to `exec`
compiled once instead of at every call.

The SDK's sandbox enters its sandboxed instance by `exec`-ing short source strings: one per
activation, and one for every payload sequence that each of the six payload passes of an activation
visits, to learn the payload's serialization context. `exec` of a string compiles it first (about
35 µs each), some fifty times per decision. The strings are constants of the SDK, so their compiled
code is the same every time: `compiled_exec` keeps it, and the SDK's runner module calls it in place
of the builtin. What runs, and in which globals, is unchanged.
"""

import builtins
import functools
from types import CodeType
from typing import Any

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions
from temporalio.worker.workflow_sandbox import _runner

_FILENAME = "<string>"  # as the builtin names it, so tracebacks read as before


@functools.lru_cache(maxsize=64)
def _compiled(source: str) -> CodeType:
    return compile(source, _FILENAME, "exec")


def compiled_exec(source: str | CodeType, globals_: dict[str, Any] | None = None,
                  locals_: Any = None) -> None:
    """`exec`, with a source string's compiled code kept for the next call."""
    code = _compiled(source) if isinstance(source, str) else source
    builtins.exec(code, globals_, locals_)


def runner(restrictions: SandboxRestrictions) -> SandboxedWorkflowRunner:
    """The SDK's sandboxed runner with `restrictions`; its `exec` calls go through `compiled_exec`."""
    _runner.exec = compiled_exec  # a module global shadows the builtin in the runner module only
    return SandboxedWorkflowRunner(restrictions=restrictions)
