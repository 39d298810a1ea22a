"""The trace a decision came in with. The update that brings a decision runs in the caller's trace
(standardflow/tracing.py); the step the decision leads to is written later, by the run's own loop, so
the update keeps its trace context here and the step is written within it. Without tracing the
contexts are empty and nothing is recorded; on replay no span is made."""

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import context


def current() -> context.Context:
    return context.get_current()


@contextmanager
def within(kept: context.Context | None) -> Iterator[None]:
    """Runs the block in `kept`, the context a decision came in (none: the run's own)."""
    if kept is None:
        yield
        return
    token = context.attach(kept)
    try:
        yield
    finally:
        context.detach(token)
