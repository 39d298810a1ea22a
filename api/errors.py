"""One handler turns every domain error into a response with its status and message, and the
OpenAPI schema declares each refusal an operation may answer with."""

import json

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException

from api.limits import TooLarge
from api.web.error_page import error_page, is_page, page_problems, status_words, too_large_words
from api.web.i18n import language
from services.errors import DomainError, Unauthorized
from services.identity.throttle import TooManyAttempts
from workflows.client import WorkflowUnavailable


class Problem(BaseModel):
    """Why the request was refused; `field` names the input at fault when there is one."""

    detail: str
    field: str | None = None


class FieldProblem(BaseModel):
    model_config = ConfigDict(extra="allow")

    loc: list[str | int]
    msg: str
    type: str


class InvalidInput(BaseModel):
    """Input that does not fit: a list naming each field that does not fit its schema, or a rule of
    the domain the input breaks, with the field at fault."""

    detail: list[FieldProblem] | str
    field: str | None = None


_REFUSALS = {
    400: "the body cannot be parsed at all",
    401: "no valid bearer token or signed-in session",
    403: "signed in, but without the permission this needs",
    404: "not found, or not visible to you",
    409: "not possible in the current state; the message says why",
    413: "the request body or the file is too large",
    415: "the file's type is not one accepted",
    422: "the input does not fit; the message names the field",
    429: "too many failed attempts; try again later",
    503: "the workflow engine is not available",
}


class _EscapedJSON(JSONResponse):
    """JSON in ASCII escapes: an input echoed back may hold a lone surrogate, which UTF-8 cannot encode."""

    def render(self, content: object) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode()


def refusals(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI `responses` for these refusal statuses, for a router or a route. Declaring 422 here
    replaces FastAPI's own declaration, which knows only the list form of `detail`."""
    return {
        status: {"model": InvalidInput if status == 422 else Problem, "description": _REFUSALS[status]}
        for status in statuses
    }


def install(app: FastAPI) -> None:
    """The API's paths answer errors as JSON (`detail` in English); every other path is a page, and
    its errors are pages in the reader's language (api/web/error_page.py)."""

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> Response:
        if is_page(request):
            return await error_page(request, exc.status_code, exc.text(language(request)), _headers(exc, page=True),
                                    signed_out=isinstance(exc, Unauthorized))
        body: dict = {"detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        return JSONResponse(body, status_code=exc.status_code, headers=_headers(exc, page=False))

    @app.exception_handler(WorkflowUnavailable)
    async def _workflow_unavailable(request: Request, exc: WorkflowUnavailable) -> Response:
        if is_page(request):
            return await error_page(request, 503, status_words(request, 503))
        return JSONResponse({"detail": f"the workflow engine is not available: {exc}"}, status_code=503)

    @app.exception_handler(RequestValidationError)
    async def _invalid_input(request: Request, exc: RequestValidationError) -> Response:
        if is_page(request):
            return await error_page(request, *page_problems(request, list(exc.errors())))
        return _EscapedJSON({"detail": jsonable_encoder(exc.errors())}, status_code=422)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 405:
            exc.headers = {**(exc.headers or {}), "Allow": _allowed_methods(request)}
        if is_page(request):
            if isinstance(exc, TooLarge):
                return await error_page(request, 413, too_large_words(request, exc.limit), body_unread=True)
            return await error_page(request, exc.status_code, status_words(request, exc.status_code), exc.headers)
        return await http_exception_handler(request, exc)


def _headers(exc: DomainError, page: bool) -> dict[str, str] | None:
    if isinstance(exc, TooManyAttempts):
        return {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, Unauthorized) and not page:
        return {"WWW-Authenticate": "Bearer"}
    return None


def _allowed_methods(request: Request) -> str:
    """Every method some route takes at this path: Starlette names only those of the first route it
    found, and a path such as /api/v1/projects has one route for GET and another for POST."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.router.routes):
        pattern = getattr(route, "path_regex", None)
        if route.methods and pattern is not None and pattern.match(request.url.path):
            methods |= route.methods
    return ", ".join(sorted(methods))
