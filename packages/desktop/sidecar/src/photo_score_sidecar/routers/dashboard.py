from __future__ import annotations

from fastapi import APIRouter

from photo_score.catalog import library_stats
from photo_score_sidecar.deps import RankedDep, SidecarDep
from photo_score_sidecar.schemas import Dashboard

router = APIRouter(prefix="/dashboard", tags=["dashboard"])


@router.get("")
def get_dashboard(sidecar: SidecarDep, ranked: RankedDep) -> Dashboard:
    """Counts, tier counts, the score histogram (5-point bins), means and running jobs."""
    return Dashboard(
        stats=library_stats(ranked),
        jobs=sidecar.jobs.active(),
        libraries=len(ranked.catalog.folder_ids),
    )
