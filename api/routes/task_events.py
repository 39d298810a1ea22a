"""The inbox's live feed: server-sent events for the tasks the reader could see in their inbox.

Registered before api/routes/tasks.py, whose /api/v1/tasks/{task_id} would otherwise take "events"
for a task id."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, FastAPI, Header, Query, Request
from pydantic import Field
from fastapi.responses import StreamingResponse

from api.deps import PrincipalDep
from api.errors import refusals
from services.identity.principal import Principal
from services.inputs import ClientInput
from services.tasks.feed import Batch, Subscription, TaskFeed

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"], responses=refusals(401, 422))
KEEP_ALIVE_SECONDS = 15.0
LONGEST_SECONDS = 300.0
RETRY_MS = 3000
EXAMPLE = (f"retry: {RETRY_MS}\nid: 0\nevent: ready\ndata: {{}}\n\n"
           'id: 1\nevent: task\ndata: {"id": "5f0c…", "kind": "screen_proposal", "change": "opened"}\n\n'
           ": keep-alive\n\n")
CHANGES = ["opened", "claimed", "unclaimed", "closed"]
# One event of the stream, as EventSource hands it over; `data` is JSON.
EVENT = {
    "type": "object", "required": ["event", "data"],
    "properties": {
        "event": {"enum": ["ready", "task", "resync"]},
        "id": {"type": "string"},
        "retry": {"type": "integer"},
        "data": {"type": "string", "contentMediaType": "application/json", "contentSchema": {
            "type": "object", "additionalProperties": False,
            "properties": {"id": {"type": "string", "format": "uuid"}, "kind": {"type": "string"},
                           "change": {"enum": CHANGES}},
        }},
    },
}
STREAM = {200: {
    "description": "Server-sent events, one `task` per change (see above), for as long as `seconds`.",
    "content": {"text/event-stream": {"schema": EVENT, "example": EXAMPLE}},
}}


class FeedWindow(ClientInput):
    seconds: float = Field(default=LONGEST_SECONDS, gt=0, le=LONGEST_SECONDS, description=(
        "How long the stream stays open before it ends (EventSource then reconnects by itself)."))


@router.get("/events", response_class=StreamingResponse, responses=STREAM)
async def task_events(
    request: Request,
    principal: PrincipalDep,
    window: Annotated[FeedWindow, Query()],
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=64, description=(
        "Sent by a reconnecting EventSource: the stream then begins with `resync`."))] = None,
) -> StreamingResponse:
    """Your inbox as it changes, as server-sent events (`text/event-stream`), for as long as the
    stream stays open. Each change to a task you could see in your inbox (`GET /api/v1/tasks`) is an
    event `task` whose data names the task and its kind, and what happened to it:
    `{"id": …, "kind": …, "change": "opened" | "claimed" | "unclaimed" | "closed"}`; a closed task was
    completed, cancelled or expired. Read the task or the inbox for the rest.

    The stream begins with `ready` (from then on no change is missed) and carries a comment every 15 s
    to keep the connection open. `resync` means changes may have been missed — the stream is a
    reconnection (`Last-Event-ID`; changes made while the client was away were not kept for it), or it
    fell far behind, or the server lost its database for a moment: read the inbox again.
    Authenticated as the rest of the API: a bearer token, or a signed-in browser session.
    """
    feed = _feed(request.app)
    return StreamingResponse(
        _stream(feed, principal, window.seconds, resumed=last_event_id is not None),
        media_type="text/event-stream", headers={"X-Accel-Buffering": "no"},
    )


def _feed(app: FastAPI) -> TaskFeed:
    """The process's one feed, made at the first subscription."""
    feed = getattr(app.state, "task_feed", None)
    if feed is None:
        feed = app.state.task_feed = TaskFeed(app.state.sessions)
    return feed


async def _stream(feed: TaskFeed, principal: Principal, seconds: float, resumed: bool) -> AsyncIterator[str]:
    async with feed.subscribe(principal) as subscription:
        yield f"retry: {RETRY_MS}\nid: 0\nevent: ready\ndata: {{}}\n\n"
        messages = _Events()
        if resumed:
            yield messages.send("resync", {})
        async for batch in _batches(subscription, seconds):
            if batch is None:
                yield ": keep-alive\n\n"
            elif batch.resync:
                yield messages.send("resync", {})
            else:
                yield "".join(messages.send("task", {"id": str(e.task_id), "kind": e.kind, "change": e.change})
                              for e in batch.events)


async def _batches(subscription: Subscription, seconds: float) -> AsyncIterator[Batch | None]:
    """What the subscription brings until `seconds` have passed; None for each quiet KEEP_ALIVE_SECONDS."""
    loop = asyncio.get_running_loop()
    ends = loop.time() + seconds
    while (left := ends - loop.time()) > 0:
        yield await subscription.next(min(KEEP_ALIVE_SECONDS, left))


class _Events:
    """Numbers the stream's events. The number is no position in any log: it is there so that a
    reconnecting EventSource sends Last-Event-ID, and is told to read its inbox again."""

    def __init__(self) -> None:
        self.count = 0

    def send(self, name: str, data: dict) -> str:
        self.count += 1
        return f"id: {self.count}\nevent: {name}\ndata: {json.dumps(data)}\n\n"
