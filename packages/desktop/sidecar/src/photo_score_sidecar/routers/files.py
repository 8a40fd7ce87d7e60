from __future__ import annotations

import os
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from photo_score.errors import NotFoundError
from photo_score.previews import ensure_preview, image_id_for
from photo_score_sidecar.deps import SidecarDep

router = APIRouter(prefix="/files", tags=["files"])


@router.get(
    "/preview",
    response_class=FileResponse,
    responses={200: {"content": {"image/jpeg": {}}, "description": "A JPEG image."}},
)
def file_preview(
    path: Annotated[str, Query(description="A photo inside a library folder.")],
    sidecar: SidecarDep,
) -> FileResponse:
    """Preview of a photo by path, e.g. one not scored yet. The real path (``..`` and
    symlinks resolved) must lie inside a library folder; anything else is refused."""
    source = sidecar.library.resolve(path)
    if not os.path.isfile(source):
        raise NotFoundError(f"{path}: no such file")
    image_id = image_id_for(source, sidecar.cache)
    jpeg = ensure_preview(
        source, image_id, sidecar.previews, max_pixels=sidecar.settings.max_pixels
    )
    return FileResponse(jpeg, media_type="image/jpeg")
