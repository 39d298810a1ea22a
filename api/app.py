"""The FastAPI application: built from settings, or from parts a test hands in."""

from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from api import cors, errors, limits, metrics, security_headers
from api.auth import identity
from api.routes import admin, auth, ballots, catalogue, codec, consultations, coordination, dashboard, drafts, escalations, evaluations, experts, health, invitations, notifications, panels, pilots, projects, reference, task_events, tasks, timeline
from api.web import site
from api.web.mount import install as install_web
from services.db import create_engine, session_factory
from standardflow import tracing
from standardflow.config import Settings
from standardflow.temporal import temporal_client


@dataclass
class Parts:
    """What the app runs on; a test passes its own engine and Temporal client."""

    engine: AsyncEngine | None = None
    temporal: Client | None = None
    tracer_provider: TracerProvider | None = None  # else the settings' OTLP export, if any


def create_app(settings: Settings, parts: Parts | None = None) -> FastAPI:
    parts = parts or Parts()
    traced = parts.tracer_provider or tracing.provider(settings, "api")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        owns_engine = parts.engine is None
        engine = parts.engine or create_engine(settings.resolved_database_url)
        app.state.engine = engine
        app.state.sessions = session_factory(engine)
        app.state.decision_keys = settings.key_ring("decision")  # seals what the API has authorised
        app.state.temporal = parts.temporal or await temporal_client(
            settings, interceptors=tracing.temporal_interceptors(traced))
        async with identity(settings, app.state.sessions) as running:
            app.state.builtin_issuer, app.state.authenticator = running.builtin, running.authenticator
            yield
        if owns_engine:
            await engine.dispose()
        if traced is not None and parts.tracer_provider is None:
            traced.shutdown()  # sends what is still buffered

    app = FastAPI(
        title="StandardFlow",
        summary="Developing standards together: proposals, committees, consultations, pilots and evaluation.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    errors.install(app)
    limits.install(app, settings)  # inside the session middleware that install_web adds around it
    install_web(app, settings)
    cors.install(app, settings)  # the Temporal UI's calls to the codec endpoint, around the session
    security_headers.install(app, settings)  # around everything, the refusals of the other middlewares too
    metrics.install(app)  # outside the middlewares added before it: it counts their refusals too
    tracing.instrument_api(app, traced)
    for module in (health, auth, experts, admin, invitations, reference, projects, task_events, tasks, drafts, consultations, catalogue, evaluations, ballots, panels, notifications, escalations, dashboard, timeline, pilots, coordination, codec, site):
        app.include_router(module.router)
    return app
