"""The app factory: middleware, routers, error handlers and the UI. Nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute

from photo_score.settings import Settings
from photo_score_sidecar.errors import install_error_handlers
from photo_score_sidecar.info import SidecarInfo, remove_info, write_info
from photo_score_sidecar.routers import api_router
from photo_score_sidecar.security import SecurityMiddleware
from photo_score_sidecar.state import Sidecar, default_ui_dir
from photo_score_sidecar.static import mount_ui


def operation_id(route: APIRoute) -> str:
    """Stable ``{tag}-{name}`` ids: the generated TypeScript client's method names."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(
    settings: Settings,
    token: str,
    *,
    port: int,
    ui_dir: Path | None = None,
    use_keyring: bool = True,
    write_sidecar_json: bool = True,
) -> FastAPI:
    """The sidecar for one launch on ``127.0.0.1:port``; every request needs ``token``.

    Services open at startup and close at shutdown (the lifespan); ``sidecar.json`` is
    written once they are open and removed when they close.
    """
    info = SidecarInfo(url=f"http://127.0.0.1:{port}", port=port, token=token)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        sidecar = Sidecar(settings, use_keyring=use_keyring)
        app.state.sidecar = sidecar
        if write_sidecar_json:
            write_info(settings.home, info)
        try:
            yield
        finally:
            if write_sidecar_json:
                remove_info(settings.home, info)
            sidecar.close()

    app = FastAPI(
        title="photo-score sidecar",
        version="1",
        summary="Local API of the photo-score desktop app (127.0.0.1 only, token required).",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.info = info
    install_error_handlers(app)
    app.include_router(api_router)
    mount_ui(app, ui_dir if ui_dir is not None else default_ui_dir())
    app.add_middleware(SecurityMiddleware, token=token, port=port)
    return app
