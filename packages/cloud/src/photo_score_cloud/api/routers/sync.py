"""/sync: analysis results travel between a user's devices (never images)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from photo_score_cloud.api.deps import SessionDep
from photo_score_cloud.services import sync

router = APIRouter(prefix="/sync", tags=["sync"])

ImageId = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the file.")]


class SyncRecord(BaseModel):
    """One image's result as a device pushes it."""

    model_config = ConfigDict(extra="forbid")

    image_id: ImageId
    analyzer: str = Field(min_length=1, max_length=200)
    model: str = Field(min_length=1, max_length=200)
    version: str = Field(min_length=1, max_length=200)
    attributes: dict[str, float] = Field(max_length=32)
    analysis: dict[str, Any] = Field(
        default_factory=dict,
        description="The rest of the core's AnalysisResult: features, measurements, notes, "
        "confidence, critique, description, cost_usd.",
    )
    metadata: dict[str, Any] | None = Field(default=None, description="PhotoMetadata (EXIF).")
    scored_at: AwareDatetime = Field(
        description="When the result was made; a timezone is required."
    )
    share_location: bool = Field(
        default=False, description="The user opted in to sync GPS; otherwise GPS is dropped."
    )


class PushRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[SyncRecord] = Field(max_length=sync.MAX_BATCH)


class StoredRecord(BaseModel):
    image_id: str
    analyzer: str | None
    model: str | None
    version: str | None
    attributes: dict[str, float]
    analysis: dict[str, Any] | None
    metadata: dict[str, Any] | None
    scored_at: datetime | None
    seq: int
    synced_at: datetime


class PushOutcome(BaseModel):
    image_id: str
    status: Literal["applied", "unchanged", "conflict"]
    seq: int
    scored_at: datetime | None
    server: StoredRecord | None = Field(
        default=None, description="The server's copy, when it kept its own (conflict)."
    )


class PushOut(BaseModel):
    applied: int
    unchanged: int
    conflicts: int
    results: list[PushOutcome]


class PullOut(BaseModel):
    records: list[StoredRecord]
    next_since: int = Field(description="Pass as ?since= for the next page.")
    has_more: bool


class SyncStatusOut(BaseModel):
    count: int
    last_seq: int
    last_change: datetime | None


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "image_id": row["image_id"],
        "analyzer": row["analyzer"],
        "model": row["model"],
        "version": row["version"],
        "attributes": row["attributes"],
        "analysis": row["analysis"],
        "metadata": row["metadata"],
        "scored_at": _iso(row["scored_at"]),
        "seq": row["seq"],
        "synced_at": _iso(row["synced_at"]),
    }


def _outcome(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "image_id": row["image_id"],
        "status": row["status"],
        "seq": row["seq"],
        "scored_at": _iso(row["scored_at"]),
        "server": _stored(row) if row["status"] == "conflict" else None,
    }


# The two bulk routes build their JSON from the database rows directly (the rows come from
# our own statement; re-validating a thousand of them per request would double the cost);
# response_model still documents the shape.


@router.post("/attributes", response_model=PushOut)
async def push_attributes(body: PushRequest, session: SessionDep) -> Response:
    """Upsert up to 1000 records in one statement; newer ``scored_at`` wins, ties keep the
    server's copy, and a record that loses comes back with the server's copy."""
    rows = await sync.push(session=session, records=[r.model_dump() for r in body.records])
    results = [_outcome(r) for r in rows]
    applied = sum(1 for r in results if r["status"] == "applied")
    unchanged = sum(1 for r in results if r["status"] == "unchanged")
    return JSONResponse(
        {
            "applied": applied,
            "unchanged": unchanged,
            "conflicts": len(results) - applied - unchanged,
            "results": results,
        }
    )


@router.get("/attributes", response_model=PullOut)
async def pull_attributes(
    session: SessionDep,
    since: Annotated[int, Query(ge=0, le=2**63 - 1, description="The last sequence seen.")] = 0,
    limit: Annotated[int, Query(ge=1, le=sync.MAX_PAGE)] = 500,
) -> Response:
    """Changes after ``since``, in server sequence order (never by wall-clock time)."""
    rows = await sync.pull(session=session, since=since, limit=limit + 1)
    page = rows[:limit]
    return JSONResponse(
        {
            "records": [_stored(r) for r in page],
            "next_since": page[-1]["seq"] if page else since,
            "has_more": len(rows) > limit,
        }
    )


@router.get("/status")
async def read_status(session: SessionDep) -> SyncStatusOut:
    """How many records this account holds, the last sequence number and last change."""
    return SyncStatusOut.model_validate(await sync.status(session=session))
