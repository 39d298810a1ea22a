"""One handler turns every domain error into a response with its status and message."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

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
