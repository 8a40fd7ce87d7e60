from __future__ import annotations

from fastapi import APIRouter

from photo_score.xmp import write_sidecars
from photo_score_sidecar.deps import SidecarDep
from photo_score_sidecar.schemas import XmpFailure, XmpIn, XmpOut

router = APIRouter(prefix="/xmp", tags=["xmp"])

MAX_FAILURES_LISTED = 100


@router.post("")
def write_xmp(body: XmpIn, sidecar: SidecarDep) -> XmpOut:
    """Write every scored photo's rating and label (active config) to XMP sidecars.

    Existing sidecars keep everything else they hold; a rating or label set by hand stays
    unless ``overwrite``. One file that cannot be written never stops the others.
    """
    ranked = sidecar.ranked()
    report = write_sidecars(
        ranked.marks(body.folder_id),
        naming=body.naming,
        overwrite=body.overwrite,
        dry_run=body.dry_run,
    )
    return XmpOut(
        dry_run=body.dry_run,
        naming=body.naming,
        created=report.count("created"),
        updated=report.count("updated"),
        unchanged=report.count("unchanged"),
        skipped=report.count("skipped"),
        failed=report.count("failed"),
        kept=report.kept,
        failures=[
            XmpFailure(photo=o.photo, error=o.error or "failed")
            for o in report.failures[:MAX_FAILURES_LISTED]
        ],
    )
