from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse

from photo_score.catalog import PhotoDetail, PhotoPage, photo_detail, query_photos
from photo_score.errors import NotFoundError, PhotoScoreError
from photo_score.previews import ensure_preview
from photo_score.xmp import set_hand_rating
from photo_score_sidecar.deps import ImageId, PhotoQueryDep, RankedDep, SidecarDep
from photo_score_sidecar.schemas import RatingIn, RatingOut

router = APIRouter(prefix="/photos", tags=["photos"])
_JPEG: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/jpeg": {}}, "description": "A JPEG image."}
}
_IMMUTABLE = {"cache-control": "private, max-age=31536000, immutable"}  # content-addressed


@router.get("")
def list_photos(query: PhotoQueryDep, ranked: RankedDep) -> PhotoPage:
    """The library ranked with the active config: filtered, sorted, one page."""
    return query_photos(ranked, query)


@router.get("/{image_id}")
def get_photo(image_id: ImageId, sidecar: SidecarDep, ranked: RankedDep) -> PhotoDetail:
    """One photo: score, breakdown with contributions, explanation, critique, EXIF, results."""
    return photo_detail(sidecar.cache, ranked, image_id)


@router.put("/{image_id}/rating")
def rate_photo(image_id: ImageId, body: RatingIn, sidecar: SidecarDep) -> RatingOut:
    """Your own star rating, written to the photo's XMP sidecar (the live-XMP naming, else
    IMG.xmp) as Lightroom would; photo-score's marks never replace it, and *Learn from my
    ratings* counts it. The photo itself is not touched."""
    source = sidecar.library.servable_file(sidecar.cache.paths_for(image_id))
    if source is None:
        raise NotFoundError(f"photo {image_id}: its file is gone or outside the library")
    outcome = set_hand_rating(source, body.rating, naming=sidecar.xmp.choice.naming)
    if outcome.status == "failed":
        raise PhotoScoreError(f"could not save the rating: {outcome.error}")
    return RatingOut(rating=outcome.rating, sidecar=outcome.sidecar)


@router.get("/{image_id}/thumbnail", response_class=FileResponse, responses=_JPEG)
async def thumbnail(image_id: ImageId, sidecar: SidecarDep) -> FileResponse:
    """The grid thumbnail, from the disk cache (written when the photo was analyzed).

    Served only while one of the photo's paths really lies in the library (a symlink out of
    a library folder does not count), even though the original itself is not read. Async
    and database-light: a grid asks for dozens at once.
    """
    if not sidecar.library.contains_any(sidecar.cache.paths_for(image_id)):
        raise NotFoundError(f"photo {image_id}: not in the library")
    path = sidecar.thumbnails.path_for(image_id)
    if not path.is_file():
        raise NotFoundError(f"photo {image_id}: no thumbnail yet; score the folder")
    return FileResponse(path, media_type="image/jpeg", headers=_IMMUTABLE)


@router.get("/{image_id}/preview", response_class=FileResponse, responses=_JPEG)
def preview(image_id: ImageId, ranked: RankedDep, sidecar: SidecarDep) -> FileResponse:
    """A large oriented JPEG for the viewer, made from the original once, then cached.

    Only an original whose real path lies inside a library folder is ever read.
    """
    if image_id not in ranked.catalog.row_of:
        raise NotFoundError(f"photo {image_id}: not in the library")
    source = sidecar.library.servable_file(sidecar.cache.paths_for(image_id))
    if source is None:
        raise NotFoundError(f"photo {image_id}: its file is gone or outside the library")
    path = ensure_preview(
        source, image_id, sidecar.previews, max_pixels=sidecar.settings.max_pixels
    )
    return FileResponse(path, media_type="image/jpeg", headers=_IMMUTABLE)
