"""Cross-origin calls, answered for one path and one origin: the Temporal UI's calls to the codec
endpoint (api/routes/codec.py), with credentials, so that the session cookie of a platform admin
signed in to StandardFlow in the same browser goes with them. Every other path, and every other
origin, gets no CORS headers: a preflight from elsewhere is refused (400) and the browser sends nothing.

The session cookie is SameSite=Lax, so a browser sends it only when the UI and StandardFlow are one
site (the same host name, any port, e.g. 127.0.0.1:8233 and 127.0.0.1:8000; or subdomains of one
registrable domain), and outside development only over HTTPS."""

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from api.routes.codec import CODEC_PATH
from standardflow.config import Settings

# What the UI sends: JSON, the namespace, and the UI's own access token when it is set to pass one.
CODEC_HEADERS = ["Content-Type", "X-Namespace", "Authorization"]


class TemporalUiCors:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.codec = CORSMiddleware(
            app, allow_origins=[settings.resolved_temporal_ui_origin], allow_methods=["POST"],
            allow_headers=CODEC_HEADERS, allow_credentials=True, max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(f"{CODEC_PATH}/"):
            await self.codec(scope, receive, send)
            return
        await self.app(scope, receive, send)


def install(app: FastAPI, settings: Settings) -> None:
    """Outside the session and the body limit, so that a preflight is answered before either."""
    app.add_middleware(TemporalUiCors, settings=settings)
