"""The personality profile cache (personality_profiles) and its inputs (cached_attributes).

Inputs are read as the user (``authenticated``: RLS limits them to the caller's rows); the
profile is written by ``service_role`` (owners can only read it). Each photo's inputs are
projected into a core record (``image_id, attributes, features, measurements, capture_time,
analyzer``).

Change detection uses the sync's per-row sequence (migration 0020): a trigger stamps a fresh,
ever-increasing ``seq`` on every insert and update, so the user's (row count, max seq) changes
whenever a result is added, changed or deleted (a deletion lowers the count; anything that
keeps the count adds or rewrites a row, which raises the max). Both come from the
``(user_id, seq)`` index, so the staleness check does not read the rows.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

from photo_score_cloud.db import Tx

# The cloud row as a core record. features/measurements live in the `analysis` JSON written
# by /inference/analyze and the sync; the capture time in `metadata` (PhotoMetadata's field).
# Built and aggregated in SQL and parsed with one json.loads: per-row jsonb decoding costs
# seconds at 100,000 photos.
_RECORD = (
    "json_build_object('image_id', image_id, 'attributes', attributes, "
    "'features', analysis -> 'features', 'measurements', analysis -> 'measurements', "
    "'capture_time', metadata -> 'capture_time', 'analyzer', analyzer)"
)


async def fingerprint(tx: Tx, *, user_id: str) -> tuple[int, int]:
    """(photo count, max seq; 0 without photos) of the user's results, without reading them."""
    row = await tx.one(
        "SELECT count(*) AS n, coalesce(max(seq), 0) AS seq FROM public.cached_attributes "
        "WHERE user_id = %s",
        [user_id],
    )
    assert row is not None
    return int(row["n"]), int(row["seq"])


async def load_records(tx: Tx, *, user_id: str) -> tuple[list[dict[str, Any]], int]:
    """Every photo of the user as a core record (``image_id`` order), and the max seq of
    exactly these rows (with ``len(records)``, what :func:`fingerprint` gives for them)."""
    row = await tx.one(
        f"SELECT coalesce(json_agg({_RECORD} ORDER BY image_id), '[]')::text AS records, "
        "coalesce(max(seq), 0) AS seq FROM public.cached_attributes WHERE user_id = %s",
        [user_id],
    )
    assert row is not None
    # tens of MB at 100,000 photos: parsed off the event loop
    records: list[dict[str, Any]] = await asyncio.to_thread(json.loads, row["records"])
    return records, int(row["seq"])


async def get_profile(tx: Tx, *, user_id: str) -> dict[str, Any] | None:
    return await tx.one(
        "SELECT profile_json, photo_count, computed_at, inputs_key "
        "FROM public.personality_profiles "
        "WHERE user_id = %s",
        [user_id],
    )


async def store_profile(
    tx: Tx, *, user_id: str, profile_json: str, photo_count: int, inputs_key: str
) -> datetime:
    """Insert or replace the user's profile (service_role); returns its computed_at.

    ``profile_json`` is stored as given (the bytes served) and as jsonb (for queries)."""
    row = await tx.one(
        """
        INSERT INTO public.personality_profiles
            (user_id, profile, profile_json, photo_count, inputs_key)
        VALUES (%(user_id)s, %(json)s::text::jsonb, %(json)s::text, %(count)s, %(key)s)
        ON CONFLICT (user_id) DO UPDATE SET
            profile = EXCLUDED.profile, profile_json = EXCLUDED.profile_json,
            photo_count = EXCLUDED.photo_count, inputs_key = EXCLUDED.inputs_key,
            computed_at = now()
        RETURNING computed_at
        """,
        {"user_id": user_id, "json": profile_json, "count": photo_count, "key": inputs_key},
    )
    assert row is not None
    computed_at: datetime = row["computed_at"]
    return computed_at
