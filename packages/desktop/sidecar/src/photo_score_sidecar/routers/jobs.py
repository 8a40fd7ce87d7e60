from __future__ import annotations

from fastapi import APIRouter, status

from photo_score.errors import UsageError
from photo_score.inference.registry import resolve_analyzer
from photo_score.jobs import JobProgress
from photo_score_sidecar.deps import SidecarDep
from photo_score_sidecar.schemas import StartJob

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.post("", status_code=status.HTTP_202_ACCEPTED)
def start_job(body: StartJob, sidecar: SidecarDep) -> JobProgress:
    """Scan and score a library folder (or every one) in the background; cache first."""
    if body.folder is not None:
        paths = [sidecar.library.resolve(body.folder)]
    elif body.folder_id is not None:
        paths = [sidecar.library.get(body.folder_id).path]
    else:
        paths = [path for _, path in sidecar.folders()]
    if not paths:
        raise UsageError("the library is empty; add a folder first")
    spec = resolve_analyzer(
        body.analyzer,
        sidecar.analyzer_settings(),
        sidecar.config,
        sidecar.cache,
        cloud=sidecar.sync.cloud(),  # DESIGN §5 routing: cloud credits when signed in
    )
    return sidecar.jobs.submit(paths, spec, body.analyzer)


@router.get("")
def list_jobs(sidecar: SidecarDep) -> list[JobProgress]:
    """Every job of this launch, newest first (current progress: survives a page reload)."""
    return sidecar.jobs.jobs()


@router.get("/{job_id}")
def get_job(job_id: str, sidecar: SidecarDep) -> JobProgress:
    return sidecar.jobs.get(job_id)


@router.post("/{job_id}/cancel")
def cancel_job(job_id: str, sidecar: SidecarDep) -> JobProgress:
    """Stop a job; photos finished so far stay scored."""
    return sidecar.jobs.cancel(job_id)
