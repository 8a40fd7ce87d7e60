"""Sync of cached_attributes (authenticated: RLS limits every query to the caller's rows).

The push is one statement per batch: the input arrives as one JSON array, is unpacked by
``jsonb_to_recordset`` and upserted with ``ON CONFLICT … DO UPDATE … WHERE newer``; the same
statement reports, per input record, whether it won and otherwise the server's copy.
"""

from __future__ import annotations

from typing import Any

from photo_score_cloud.db import Tx

_OUT = (
    "c.image_id, c.attributes, c.metadata, c.analysis, c.analyzer, c.model, c.version, "
    "c.scored_at, c.seq, c.synced_at"
)

_UPSERT = """
WITH input AS (
    SELECT * FROM jsonb_to_recordset(%(records)s::jsonb) AS r(
        image_id text, attributes jsonb, metadata jsonb, analysis jsonb,
        analyzer text, model text, version text, scored_at timestamptz)
), up AS (
    INSERT INTO public.cached_attributes AS c
        (user_id, image_id, attributes, metadata, analysis, analyzer, model, version, scored_at)
    SELECT %(user_id)s, image_id, attributes, metadata, analysis, analyzer, model, version,
           least(scored_at, now())
    FROM input
    ON CONFLICT (user_id, image_id) DO UPDATE SET
        attributes = EXCLUDED.attributes, metadata = EXCLUDED.metadata,
        analysis = EXCLUDED.analysis, analyzer = EXCLUDED.analyzer, model = EXCLUDED.model,
        version = EXCLUDED.version, scored_at = EXCLUDED.scored_at
    WHERE c.scored_at IS NULL OR EXCLUDED.scored_at > c.scored_at
    RETURNING c.image_id, c.scored_at, c.seq
)
SELECT i.image_id, 'applied' AS status, up.seq, up.scored_at,
       NULL::jsonb AS attributes, NULL::jsonb AS metadata, NULL::jsonb AS analysis,
       NULL::text AS analyzer, NULL::text AS model, NULL::text AS version,
       NULL::timestamptz AS synced_at
FROM input i JOIN up USING (image_id)
UNION ALL
SELECT i.image_id,
       CASE WHEN c.scored_at = least(i.scored_at, now()) AND c.analyzer = i.analyzer
                 AND c.model = i.model AND c.version = i.version
                 AND c.attributes = i.attributes
            THEN 'unchanged' ELSE 'conflict' END,
       c.seq, c.scored_at, c.attributes, c.metadata, c.analysis, c.analyzer, c.model,
       c.version, c.synced_at
FROM input i
JOIN public.cached_attributes c ON c.user_id = %(user_id)s AND c.image_id = i.image_id
WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.image_id = i.image_id)
"""


async def lock_user(tx: Tx, *, user_id: str) -> None:
    """Serialise this user's writers (the trigger takes the same lock): taken first, so the
    upsert's snapshot already includes every earlier push of this user."""
    await tx.one(
        "SELECT pg_advisory_xact_lock(hashtextextended('sync:' || %s, 0)) AS locked", [user_id]
    )


async def upsert(tx: Tx, *, user_id: str, records_json: str) -> list[dict[str, Any]]:
    """Upsert the records of a JSON array (distinct image ids) in one statement; one outcome
    row per record."""
    return await tx.all(_UPSERT, {"records": records_json, "user_id": user_id})


async def changes_since(tx: Tx, *, user_id: str, since: int, limit: int) -> list[dict[str, Any]]:
    return await tx.all(
        f"SELECT {_OUT} FROM public.cached_attributes c "
        "WHERE c.user_id = %s AND c.seq > %s ORDER BY c.seq LIMIT %s",
        [user_id, since, limit],
    )


async def status(tx: Tx, *, user_id: str) -> dict[str, Any]:
    row = await tx.one(
        "SELECT count(*) AS count, coalesce(max(seq), 0) AS last_seq, "
        "max(synced_at) AS last_change FROM public.cached_attributes WHERE user_id = %s",
        [user_id],
    )
    assert row is not None
    return row
