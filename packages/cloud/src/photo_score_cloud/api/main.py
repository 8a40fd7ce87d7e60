"""The FastAPI application: settings → database, auth provider, vision engine → routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import FastAPI
from fastapi.routing import APIRoute

from photo_score_cloud import errors
from photo_score_cloud.api.middleware import RequestEnvelope
from photo_score_cloud.api.routers import (
    auth,
    billing,
    configs,
    health,
    inference,
    recommendations,
    sync,
)
from photo_score_cloud.api.state import CloudState
from photo_score_cloud.db import Database
from photo_score_cloud.services.auth import make_provider
from photo_score_cloud.services.inference import VisionEngine
from photo_score_cloud.settings import CloudSettings, get_settings


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(settings: CloudSettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(
            settings.database_url,
            min_size=settings.database_pool_min,
            max_size=settings.database_pool_max,
        )
        await db.open()
        state = CloudState(
            settings=settings,
            db=db,
            auth=make_provider(settings, db),
            vision=VisionEngine.from_settings(settings),
        )
        app.state.cloud = state
        try:
            yield
        finally:
            await state.aclose()

    app = FastAPI(
        title="photo-score cloud",
        version=version("photo-score-cloud"),
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        responses=errors.ERROR_RESPONSES,
    )
    errors.install(app)
    app.add_middleware(RequestEnvelope, max_body_bytes=settings.max_body_bytes)
    # billing, sync and recommendations mount their routers here when they land.
    for router in (
        health.router,
        auth.router,
        inference.router,
        configs.router,
        recommendations.router,
        sync.router,
        billing.router,
    ):
        app.include_router(router)
    return app
