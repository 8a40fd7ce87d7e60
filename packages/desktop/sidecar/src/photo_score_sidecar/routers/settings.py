from __future__ import annotations

from fastapi import APIRouter

from photo_score.credentials import OPENROUTER_KEY
from photo_score_sidecar.deps import SidecarDep
from photo_score_sidecar.schemas import OpenRouterKeyIn, SettingsOut

router = APIRouter(prefix="/settings", tags=["settings"])


def _out(sidecar: SidecarDep) -> SettingsOut:
    status = sidecar.credentials.status(
        OPENROUTER_KEY, environment=sidecar.settings.openrouter_api_key
    )
    return SettingsOut(
        openrouter_key_set=status.is_set,
        source=status.source,
        secret_backend=sidecar.credentials.backend,
        home=str(sidecar.settings.home),
        workers=sidecar.settings.workers,
    )


@router.get("")
def get_settings(sidecar: SidecarDep) -> SettingsOut:
    """Settings; secrets only as "set or not, and where" — never in clear."""
    return _out(sidecar)


@router.put("/openrouter-key")
def set_openrouter_key(body: OpenRouterKeyIn, sidecar: SidecarDep) -> SettingsOut:
    """Store the OpenRouter key in the OS keyring (or a 0600 file when there is none)."""
    sidecar.credentials.set(OPENROUTER_KEY, body.key)
    return _out(sidecar)


@router.delete("/openrouter-key")
def delete_openrouter_key(sidecar: SidecarDep) -> SettingsOut:
    sidecar.credentials.delete(OPENROUTER_KEY)
    return _out(sidecar)
