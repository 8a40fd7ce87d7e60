"""Sync of analysis results between a user's devices (DESIGN §7).

Rules, in one place:

* one record per (user, image); a push replaces the server's record only when its
  ``scored_at`` is strictly newer — ties go to the server — and a record that loses comes
  back with the server's copy (``conflict``), or as ``unchanged`` when the server already
  holds exactly this version (a retried push: idempotent, no duplicate, no new sequence);
* ``scored_at`` must carry a timezone; a time in the future is clamped to the server's
  clock, so a device whose clock runs ahead cannot pin a record for hours;
* records are validated with the core's models (AnalysisResult, PhotoMetadata) and GPS is
  dropped unless the record says the user opted in to share their location;
* every change gets the next server sequence number; pulls page through ``seq > since``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from photo_score.models import ATTRIBUTES, AnalysisResult, PhotoMetadata
from photo_score_cloud.errors import InvalidInput
from photo_score_cloud.identity import Session
from photo_score_cloud.repository import sync

MAX_BATCH = 1000
MAX_PAGE = 1000
GPS_FIELDS = ("gps_lat", "gps_lon", "gps_alt_m")
_IDENTITY = ("image_id", "analyzer", "model", "version", "attributes", "created_at")


def prepare(record: dict[str, Any]) -> dict[str, Any]:
    """One pushed record as the row to store; InvalidInput (422) names what is wrong."""
    image_id = record["image_id"]
    try:
        result = AnalysisResult.model_validate(
            {
                **record["analysis"],
                "image_id": image_id,
                "analyzer": record["analyzer"],
                "model": record["model"],
                "version": record["version"],
                "attributes": record["attributes"],
                "created_at": record["scored_at"],
            }
        )
        metadata = record.get("metadata")
        if metadata is not None:
            metadata = PhotoMetadata.model_validate(metadata).model_dump(
                mode="json", exclude_none=True
            )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(
            f"record {image_id}: {where}: {first['msg']}", code="invalid_record"
        ) from exc
    for name, value in result.attributes.items():
        if name not in ATTRIBUTES:
            raise InvalidInput(f"record {image_id}: unknown attribute {name!r}")
        if not 0.0 <= value <= 1.0:
            raise InvalidInput(f"record {image_id}: attribute {name} = {value} is outside [0, 1]")
    if metadata is not None and not record.get("share_location", False):
        for name in GPS_FIELDS:
            metadata.pop(name, None)
    analysis = result.model_dump(mode="json", exclude=set(_IDENTITY))
    scored_at: datetime = record["scored_at"]
    return {
        "image_id": image_id,
        "attributes": result.attributes,
        "metadata": metadata,
        "analysis": analysis,
        "analyzer": result.analyzer,
        "model": result.model,
        "version": result.version,
        "scored_at": scored_at.isoformat(),
    }


def _dedupe(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A batch naming one image twice keeps its newest record (ties: the later one)."""
    newest: dict[str, dict[str, Any]] = {}
    for record in records:
        current = newest.get(record["image_id"])
        if current is None or record["scored_at"] >= current["scored_at"]:
            newest[record["image_id"]] = record
    return list(newest.values())


async def push(*, session: Session, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(records) > MAX_BATCH:
        raise InvalidInput(f"at most {MAX_BATCH} records per push", code="batch_too_large")
    rows = [prepare(r) for r in _dedupe(records)]
    if not rows:
        return []
    payload = _encode(rows)
    async with session.user() as tx:
        await sync.lock_user(tx, user_id=session.user_id)
        return await sync.upsert(tx, user_id=session.user_id, records_json=payload)


def _encode(rows: list[dict[str, Any]]) -> str:
    """The batch as one JSON text PostgreSQL accepts (no NUL, no lone surrogates)."""
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    if "\\u0000" in text:
        raise InvalidInput("records: text may not contain NUL characters", code="invalid_record")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput("records: text is not valid Unicode", code="invalid_record") from None
    return text


async def pull(*, session: Session, since: int, limit: int) -> list[dict[str, Any]]:
    async with session.user() as tx:
        return await sync.changes_since(
            tx, user_id=session.user_id, since=since, limit=min(limit, MAX_PAGE + 1)
        )


async def status(*, session: Session) -> dict[str, Any]:
    async with session.user() as tx:
        return await sync.status(tx, user_id=session.user_id)
