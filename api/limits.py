"""Limits on what one request may carry, checked before anything reads it: a JSON or form body up to
`max_body_bytes`, a multipart upload up to the upload limit plus a margin for its other fields. Past the
limit the answer is 413 with the limit in the message, whether the client declared the length or not:
JSON on the API's paths, a page in the reader's language on the pages' own."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.web.error_page import error_page, is_page, too_large_words

from standardflow.config import Settings

# Room for an upload's other form fields (label, note) and the multipart framing around the file.
MULTIPART_MARGIN = 1024 * 1024


class TooLarge(HTTPException):
    """A body past its limit; `limit` is in bytes, for the page that says so in the reader's words."""

    def __init__(self, limit: int, what: str) -> None:
        super().__init__(413, _too_large(limit, what))
        self.limit = limit


class BodyLimit:
    """Refuses at once a body whose Content-Length is past the limit; counts the bytes of any other
    (a chunked body declares no length) and stops reading as soon as they pass it."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, what = self._limit(scope)
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            request = Request(scope, receive)
            if is_page(request):
                refusal = await error_page(request, 413, too_large_words(request, limit), body_unread=True)
            else:
                refusal = JSONResponse({"detail": _too_large(limit, what)}, status_code=413)
            await refusal(scope, receive, send)
            return
        await self.app(scope, _counted(receive, limit, what), send)

    def _limit(self, scope: Scope) -> tuple[int, str]:
        # Read on every request: the settings object is the one the app runs on.
        content_type = _header(scope, b"content-type") or ""
        if content_type.lower().startswith("multipart/form-data"):
            return self.settings.max_upload_bytes + MULTIPART_MARGIN, "an upload with its form fields"
        return self.settings.max_body_bytes, "a request body"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return None


def _too_large(limit: int, what: str) -> str:
    return f"{what} may have at most {limit} bytes ({limit / 1024 / 1024:.1f} MiB); this one has more"


def _counted(receive: Receive, limit: int, what: str) -> Receive:
    received = 0

    async def counting() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                # An HTTPException passes through FastAPI's body parsing untouched and becomes the 413.
                raise TooLarge(limit, what)
        return message

    return counting


def install(app: FastAPI, settings: Settings) -> None:
    """Every request passes the limit before any router or form parser reads its body. Installed inside
    the session middleware, so that a page's refusal knows its reader."""
    app.add_middleware(BodyLimit, settings=settings)
