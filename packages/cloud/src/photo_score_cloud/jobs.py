"""Background jobs on PostgreSQL (procrastinate), run by ``photo-score-cloud worker``.

The queue lives in the ``procrastinate`` schema of the same database (migration 0003), so
scaling out needs nothing but more worker processes. Jobs run as ``service_role``.
Registered now: periodic maintenance (expired refresh tokens and sessions, old rate-limit
windows, refunds for analyses whose API worker died). Later issues register their tasks in
:func:`blueprint` (e.g. the personality refresh).
"""

from __future__ import annotations

import logging
from typing import Any

import procrastinate
from psycopg import AsyncConnection

from photo_score_cloud.db import Database
from photo_score_cloud.repository import accounts, limits
from photo_score_cloud.services import credits
from photo_score_cloud.services import recommendations as recommendations_service
from photo_score_cloud.settings import CloudSettings

log = logging.getLogger(__name__)

RATE_LIMIT_RETENTION_SECONDS = 3600


async def run_maintenance(db: Database) -> dict[str, int]:
    """One maintenance pass, in one service_role transaction; counts of what it did."""
    async with db.as_service() as tx:
        refunded = await credits.refund_stale_claims(tx)
        tokens = await accounts.prune_refresh_tokens(tx)
        windows = await limits.prune(tx, older_than_seconds=RATE_LIMIT_RETENTION_SECONDS)
    done = {"refunded_claims": refunded, "pruned_tokens": tokens, "pruned_windows": windows}
    log.info("maintenance done", extra=done)
    return done


async def maintenance(context: procrastinate.JobContext, timestamp: int) -> dict[str, int]:
    db: Database = context.additional_context["db"]
    return await run_maintenance(db)


def blueprint() -> procrastinate.Blueprint:
    """Every task of the cloud (a fresh blueprint: procrastinate renames tasks it adopts)."""
    tasks = procrastinate.Blueprint()
    task = tasks.task(name="maintenance", pass_context=True, queue="maintenance")(maintenance)
    tasks.periodic(cron="*/10 * * * *", periodic_id="maintenance")(task)
    tasks.task(name=PERSONALITY_TASK, pass_context=True, queue="recommendations")(
        personality_refresh
    )
    return tasks


async def _as_service_role(conn: AsyncConnection[Any]) -> None:
    await conn.execute("SET ROLE service_role")
    await conn.commit()


def make_app(settings: CloudSettings) -> procrastinate.App:
    connector = procrastinate.PsycopgConnector(
        conninfo=settings.database_url,
        kwargs={"options": "-c search_path=procrastinate"},
        configure=_as_service_role,
        min_size=1,
        max_size=4,
    )
    app = procrastinate.App(connector=connector)
    app.add_tasks_from(blueprint(), namespace="cloud")
    return app


async def run_worker(settings: CloudSettings, *, concurrency: int = 4, wait: bool = True) -> None:
    """Run the worker until stopped (``wait=False``: until the queue is empty)."""
    db = Database(settings.database_url, min_size=1, max_size=concurrency)
    await db.open()
    try:
        async with make_app(settings).open_async() as app:
            await app.run_worker_async(
                concurrency=concurrency,
                wait=wait,
                additional_context={"db": db},
                install_signal_handlers=wait,
            )
    finally:
        await db.close()


# ------------------------------------------------------------- recommendations (issue 8)

PERSONALITY_TASK = "personality_refresh"


async def personality_refresh(context: procrastinate.JobContext, user_id: str) -> dict[str, Any]:
    """Recompute and store one user's personality profile (reads their rows under RLS)."""
    db: Database = context.additional_context["db"]
    stored = await recommendations_service.refresh_for_user(db, user_id=user_id)
    return {"photo_count": stored.photo_count}


async def defer_personality_refresh(settings: CloudSettings, *, user_id: str) -> bool:
    """Queue :func:`personality_refresh` for ``user_id``; False when one is already queued
    (a queueing lock per user: repeated refreshes do not pile up)."""
    async with make_app(settings).open_async() as app:
        try:
            await app.configure_task(
                f"cloud:{PERSONALITY_TASK}", queueing_lock=f"personality:{user_id}"
            ).defer_async(user_id=user_id)
        except procrastinate.exceptions.AlreadyEnqueued:
            return False
    return True
