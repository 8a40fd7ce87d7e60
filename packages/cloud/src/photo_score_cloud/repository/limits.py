"""Fixed-window request counters in PostgreSQL, shared by every worker (service_role)."""

from __future__ import annotations

import math

from photo_score_cloud.db import Tx

_HIT = """
INSERT INTO cloud_private.rate_limits AS r (bucket, window_start, hits)
VALUES (
    %(bucket)s,
    to_timestamp(floor(extract(epoch FROM clock_timestamp()) / %(window)s) * %(window)s),
    1
)
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = r.hits + 1
RETURNING hits,
    extract(epoch FROM r.window_start + make_interval(secs => %(window)s) - clock_timestamp())
        AS reset_in
"""


async def hit(tx: Tx, *, bucket: str, window_seconds: int) -> tuple[int, int]:
    """Count one request in ``bucket``'s current window: (hits so far, seconds to reset)."""
    row = await tx.one(_HIT, {"bucket": bucket, "window": window_seconds})
    assert row is not None
    return int(row["hits"]), max(1, math.ceil(float(row["reset_in"])))


async def prune(tx: Tx, *, older_than_seconds: int) -> int:
    return await tx.run(
        "DELETE FROM cloud_private.rate_limits "
        "WHERE window_start < now() - make_interval(secs => %s)",
        [older_than_seconds],
    )
