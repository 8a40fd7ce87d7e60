"""Dependencies as ``Annotated`` aliases, so route signatures read like documentation."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request

from photo_score.catalog import PhotoQuery, RankedCatalog
from photo_score_sidecar.state import Sidecar


def get_sidecar(request: Request) -> Sidecar:
    sidecar: Sidecar = request.app.state.sidecar
    return sidecar


SidecarDep = Annotated[Sidecar, Depends(get_sidecar)]


def get_ranked(sidecar: SidecarDep) -> RankedCatalog:
    """The library ranked with the active config (cached; rebuilt only after changes)."""
    return sidecar.ranked()


RankedDep = Annotated[RankedCatalog, Depends(get_ranked)]
PhotoQueryDep = Annotated[PhotoQuery, Query()]
ImageId = Annotated[
    str, Path(pattern="^[0-9a-f]{8,128}$", description="The photo's SHA-256 (lowercase hex).")
]
