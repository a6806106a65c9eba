"""``create_app()``: the FastAPI service, its lifespan and routers.

The lifespan opens the database (SQLite under ``FLEXPOOL_DATA_DIR`` or
``DATABASE_URL``), runs the migrations, marks jobs a previous instance left
running as ``interrupted``, and starts the job runner; shutdown stops
running solves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.db import make_engine, migrate, session_factory
from api.errors import install_error_handlers
from api.jobs import JobRunner
from api.middleware import AccessLogMiddleware, BodyLimitMiddleware, configure_logging
from api.routers import calendars, demand, jobs, pools, preferences, rosters
from api.settings import Settings
from api.state import AppState

DESCRIPTION = """
Rosters for regional flexpools in Dutch care. Planners submit open shifts per
organisation and ISO week, workers state their wishes, the coordinator solves,
checks and publishes; workers and organisations download or subscribe to iCal.

Authenticate with `Authorization: Bearer <token>`; a token belongs to one pool
and one role (coordinator, planner of an organisation, or worker).
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; nothing touches the database until the lifespan starts."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.log_json:
            configure_logging()
        engine = make_engine(settings.url)
        migrate(engine)
        sessions = session_factory(engine)
        runner = JobRunner(sessions, settings.solver_workers)
        runner.mark_interrupted()
        app.state.flexpool = AppState(settings, engine, sessions, runner)
        try:
            yield
        finally:
            runner.shutdown()
            engine.dispose()

    app = FastAPI(title="flexpool", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    install_error_handlers(app)
    for module in (pools, demand, preferences, jobs, rosters, calendars):
        app.include_router(module.router)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(AccessLogMiddleware)
    return app
