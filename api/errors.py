"""One handler turns every domain error into a response with its status and message."""

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException

from services.errors import DomainError, Unauthorized
from workflows.client import WorkflowUnavailable


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_: Request, exc: DomainError) -> JSONResponse:
        body: dict = {"detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
        return JSONResponse(body, status_code=exc.status_code, headers=headers)

    @app.exception_handler(WorkflowUnavailable)
    async def _workflow_unavailable(_: Request, exc: WorkflowUnavailable) -> JSONResponse:
        return JSONResponse({"detail": f"the workflow engine is not available: {exc}"}, status_code=503)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 405:
            exc.headers = {**(exc.headers or {}), "Allow": _allowed_methods(request)}
        return await http_exception_handler(request, exc)


def _allowed_methods(request: Request) -> str:
    """Every method some route takes at this path: Starlette names only those of the first route it
    found, and a path such as /api/v1/projects has one route for GET and another for POST."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.router.routes):
        pattern = getattr(route, "path_regex", None)
        if route.methods and pattern is not None and pattern.match(request.url.path):
            methods |= route.methods
    return ", ".join(sorted(methods))
