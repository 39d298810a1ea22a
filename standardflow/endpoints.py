"""What the API and the worker's health port share about what they serve, importable by either
without the other (the worker loads no FastAPI): the body of a readiness answer, and the path of the
API's Temporal codec endpoint that `standardflow dev` tells the embedded Temporal UI."""

CODEC_PATH = "/api/v1/temporal-codec"


def readiness(checks: dict[str, bool]) -> dict:
    """The body of a readiness answer (the API's /readyz and the worker's)."""
    ready = all(checks.values())
    return {"status": "ready" if ready else "not ready", "checks": {k: "ok" if v else "down" for k, v in checks.items()}}
