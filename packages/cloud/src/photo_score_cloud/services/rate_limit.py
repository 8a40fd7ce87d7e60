"""Rate limits kept in PostgreSQL, so every worker and instance shares one count."""

from __future__ import annotations

from photo_score_cloud.db import Database
from photo_score_cloud.errors import RateLimited
from photo_score_cloud.repository import limits

WINDOW_SECONDS = 60


async def check(*, db: Database, bucket: str, per_minute: int) -> None:
    """Count one request in ``bucket``; RateLimited (429, Retry-After) once over."""
    async with db.as_service() as tx:
        hits, reset = await limits.hit(tx, bucket=bucket, window_seconds=WINDOW_SECONDS)
    if hits > per_minute:
        raise RateLimited("too many requests; slow down", retry_after=reset)
