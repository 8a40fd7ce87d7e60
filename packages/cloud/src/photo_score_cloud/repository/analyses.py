"""Stored analysis results (cached_attributes) and the claims that make a charge idempotent."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from photo_score_cloud.db import Tx


async def find_result(
    tx: Tx, *, user_id: str, image_id: str, analyzer: str, model: str, version: str
) -> dict[str, Any] | None:
    """A stored cloud result for this user, image, roster and prompt version (authenticated
    under RLS: a user can only ever find their own)."""
    return await tx.one(
        """
        SELECT attributes, analysis, analyzer, model, version, scored_at
        FROM public.cached_attributes
        WHERE user_id = %s AND image_id = %s AND analyzer = %s AND model = %s
          AND version = %s AND analysis IS NOT NULL
        """,
        [user_id, image_id, analyzer, model, version],
    )


async def claim(tx: Tx, *, user_id: str, image_id: str, lease_seconds: int) -> bool:
    """Mark an analysis of (user, image) in flight; False if one already is (service_role).

    Run in the same transaction as the charge: if the charge fails, the claim rolls back.
    """
    row = await tx.one(
        """
        INSERT INTO public.inference_requests AS r (user_id, image_id, status, lease_expires_at)
        VALUES (%(user_id)s, %(image_id)s, 'pending',
                now() + make_interval(secs => %(lease)s))
        ON CONFLICT (user_id, image_id) DO UPDATE
            SET status = 'pending', lease_expires_at = EXCLUDED.lease_expires_at,
                updated_at = now()
            WHERE r.status <> 'pending'
        RETURNING 1 AS claimed
        """,
        {"user_id": user_id, "image_id": image_id, "lease": lease_seconds},
    )
    return row is not None


async def finish(tx: Tx, *, user_id: str, image_id: str, status: str) -> bool:
    """Close a pending claim as 'done' or 'failed'; False if it was no longer pending
    (the stale-claim reaper got there first). service_role."""
    count = await tx.run(
        "UPDATE public.inference_requests SET status = %s, updated_at = now() "
        "WHERE user_id = %s AND image_id = %s AND status = 'pending'",
        [status, user_id, image_id],
    )
    return count > 0


async def store_result(
    tx: Tx,
    *,
    user_id: str,
    image_id: str,
    attributes: dict[str, float],
    analysis: dict[str, Any],
    analyzer: str,
    model: str,
    version: str,
) -> None:
    """Insert or replace the user's result for this image (service_role)."""
    await tx.run(
        """
        INSERT INTO public.cached_attributes
            (user_id, image_id, attributes, analysis, analyzer, model, version, scored_at)
        VALUES (%(user_id)s, %(image_id)s, %(attributes)s, %(analysis)s, %(analyzer)s,
                %(model)s, %(version)s, now())
        ON CONFLICT (user_id, image_id) DO UPDATE SET
            attributes = EXCLUDED.attributes, analysis = EXCLUDED.analysis,
            analyzer = EXCLUDED.analyzer, model = EXCLUDED.model, version = EXCLUDED.version,
            scored_at = EXCLUDED.scored_at, synced_at = now()
        """,
        {
            "user_id": user_id,
            "image_id": image_id,
            "attributes": Jsonb(attributes),
            "analysis": Jsonb(analysis),
            "analyzer": analyzer,
            "model": model,
            "version": version,
        },
    )


async def expire_stale_claims(tx: Tx) -> list[dict[str, Any]]:
    """Fail pending claims whose lease ran out (their worker died); returns them so each
    can be refunded in the same transaction. service_role."""
    return await tx.all(
        """
        UPDATE public.inference_requests SET status = 'failed', updated_at = now()
        WHERE status = 'pending' AND lease_expires_at < now()
        RETURNING user_id::text, image_id
        """
    )
