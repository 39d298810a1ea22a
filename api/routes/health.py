from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services import db
from standardflow.endpoints import readiness
from workflows import client as temporal

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "the database or Temporal does not answer"}})
async def readyz(request: Request) -> JSONResponse:
    """The database and Temporal both answer; 503 names the one that does not."""
    checks = {"database": await db.answers(request.app.state.engine),
              "temporal": await temporal.answers(request.app.state.temporal)}
    return JSONResponse(readiness(checks), status_code=200 if all(checks.values()) else 503)

