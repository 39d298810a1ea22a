from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services import db
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


def readiness(checks: dict[str, bool]) -> dict:
    """The body of a readiness answer (the API's /readyz and the worker's)."""
    ready = all(checks.values())
    return {"status": "ready" if ready else "not ready", "checks": {k: "ok" if v else "down" for k, v in checks.items()}}
