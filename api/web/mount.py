"""Puts the browser side into the app: the session cookie, static files, the provider client, the pages."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from api.web import oidc, pages
from api.web.session import middleware_options
from standardflow.config import Settings

STATIC = Path(__file__).resolve().parent.parent / "static"


def install(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(SessionMiddleware, **middleware_options(settings))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.oidc_client = oidc.provider_client(settings)
    app.include_router(pages.router)
