"""The FastAPI application: built from settings, or from parts a test hands in."""

from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from api import errors
from api.auth import Authenticator, BuiltinIssuer
from api.routes import auth, catalogue, consultations, drafts, evaluations, health, projects, reference, tasks
from services.db import create_engine, session_factory
from services.identity.keys import SigningKeys
from standardflow.config import Settings
from workflows.client import connect


@dataclass
class Parts:
    """What the app runs on; a test passes its own engine and Temporal client."""

    engine: AsyncEngine | None = None
    temporal: Client | None = None


def create_app(settings: Settings, parts: Parts | None = None) -> FastAPI:
    parts = parts or Parts()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        owns_engine = parts.engine is None
        engine = parts.engine or create_engine(settings.resolved_database_url)
        app.state.engine = engine
        app.state.sessions = session_factory(engine)
        keys = SigningKeys(settings.resolved_signing_key_path)
        app.state.builtin_issuer = BuiltinIssuer(
            issuer=settings.public_base_url, keys=keys, ttl_seconds=settings.token_ttl_minutes * 60
        )
        app.state.authenticator = Authenticator(app.state.sessions, [app.state.builtin_issuer])
        app.state.temporal = parts.temporal or await connect(
            settings.resolved_temporal_address, settings.temporal_namespace
        )
        yield
        if owns_engine:
            await engine.dispose()

    app = FastAPI(
        title="StandardFlow",
        summary="Developing standards together: proposals, committees, consultations, pilots and evaluation.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    errors.install(app)
    for module in (health, auth, reference, projects, tasks, drafts, consultations, catalogue, evaluations):
        app.include_router(module.router)
    return app
