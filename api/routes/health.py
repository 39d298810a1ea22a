from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "the database or Temporal does not answer"}})
async def readyz(request: Request) -> JSONResponse:
    """The database and Temporal both answer; 503 names the one that does not."""
    checks = {"database": await _database_ok(request), "temporal": await _temporal_ok(request)}
    ready = all(checks.values())
    body = {"status": "ready" if ready else "not ready", "checks": {k: "ok" if v else "down" for k, v in checks.items()}}
    return JSONResponse(body, status_code=200 if ready else 503)


async def _database_ok(request: Request) -> bool:
    try:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means not ready
        return False


async def _temporal_ok(request: Request) -> bool:
    client = request.app.state.temporal
    if client is None:
        return False
    try:
        return await client.service_client.check_health()
    except Exception:  # noqa: BLE001 - any failure means not ready
        return False
