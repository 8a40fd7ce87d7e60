from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from photo_score_sidecar.deps import SidecarDep
from photo_score_sidecar.events import sse

router = APIRouter(prefix="/events", tags=["events"])


@router.get(
    "",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "An event stream."}},
)
async def stream_events(sidecar: SidecarDep) -> StreamingResponse:
    """Server-sent events (EventSource): ``job`` (data ``{type, job}``: a JobProgress),
    ``library`` (photos or folders changed: refetch), ``config`` (the active config
    changed) and ``xmp`` (data ``{type, done, total}``: sidecars written so far by
    ``POST /api/xmp``). On connect, one ``job`` event per known job gives the current
    state."""

    def snapshot() -> list[str]:
        return [
            sse("job", {"type": "job", "job": job.model_dump(mode="json")})
            for job in reversed(sidecar.jobs.jobs())
        ]

    return StreamingResponse(
        sidecar.broker.stream(snapshot),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )
