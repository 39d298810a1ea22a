"""Logs as one JSON object per line (STANDARDFLOW_LOG_FORMAT=json), for a log collector: the time,
level, logger and message; the request id and the OpenTelemetry trace and span ids of the request or
activity the line was written in; and for lines that workflows and activities write through the
Temporal SDK's loggers (replay-safe in workflows), the workflow's or activity's identity.

The API gives every request an id (`X-Request-ID`, taken from the request when it is a plausible one,
else made) and answers with it; `standardflow.access` writes one line per request."""

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

from opentelemetry import trace

REQUEST_ID: ContextVar[str | None] = ContextVar("standardflow_request_id", default=None)
ACCESS = logging.getLogger("standardflow.access")
# What the Temporal SDK's workflow and activity loggers put on their records.
_TEMPORAL = ("temporal_workflow", "temporal_activity")
_FIELDS = ("method", "route", "status", "duration_ms")  # the access line's


_STAMPS = ("request_id", "trace_id", "span_id")
_made = logging.getLogRecordFactory()


def _stamped(*args: object, **kwargs: object) -> logging.LogRecord:
    """A record that knows, from the moment it is made, the request and the span it was written in."""
    record = _made(*args, **kwargs)
    request_id = REQUEST_ID.get()
    if request_id:
        record.request_id = request_id
    span = trace.get_current_span().get_span_context()
    if span.is_valid:
        record.trace_id, record.span_id = f"{span.trace_id:032x}", f"{span.span_id:016x}"
    return record


def stamp_records() -> None:
    """Every log record from now on carries its request id and trace ids (once per process)."""
    if logging.getLogRecordFactory() is not _stamped:
        logging.setLogRecordFactory(_stamped)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
        }
        for name in (*_STAMPS, *_TEMPORAL, *_FIELDS):
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(log_format: str) -> None:
    """JSON lines on standard error for every logger, or (text) the usual lines, with the API's own
    access line left to uvicorn's."""
    stamp_records()
    if log_format != "json":
        ACCESS.propagate = False
        return
    # The workflow's or activity's identity is a field of its own: not appended to the message too.
    from temporalio import activity, workflow

    workflow.logger.workflow_info_on_message = False
    activity.logger.activity_info_on_message = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):  # through the root's handler, not their own
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
