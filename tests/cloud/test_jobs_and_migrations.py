"""Migrations (idempotent, checksummed), the private-cluster fallback, the job worker."""

from __future__ import annotations

import asyncio

import pytest
from photo_score_cloud.db import Database
from photo_score_cloud.jobs import make_app, run_maintenance, run_worker
from photo_score_cloud.migrate import MigrationError, migrate, migrations

from tests.cloud import pg
from tests.cloud.conftest import drop_database, fresh_database, settings_from
from tests.cloud.helpers import CloudDb


def test_migrations_are_recorded_and_idempotent(cloud_db: CloudDb) -> None:
    versions = [m.version for m in migrations()]
    assert versions == sorted(versions)
    assert [
        r[0]
        for r in cloud_db.query("SELECT version FROM cloud_private.schema_migrations ORDER BY 1")
    ] == versions
    assert migrate(cloud_db.owner_url) == []


def test_an_edited_migration_is_refused(cloud_db: CloudDb) -> None:
    cloud_db.query(
        "UPDATE cloud_private.schema_migrations SET checksum = 'x' WHERE version = '0002'"
    )
    try:
        with pytest.raises(MigrationError, match="changed after it was applied"):
            migrate(cloud_db.owner_url)
    finally:
        real = next(m for m in migrations() if m.version == "0002").checksum
        cloud_db.query(
            "UPDATE cloud_private.schema_migrations SET checksum = %s WHERE version = '0002'",
            [real],
        )


def test_private_cluster_fallback() -> None:
    """What runs on a machine without a PostgreSQL server (forced here)."""
    server = pg.start_private_cluster()
    try:
        db = fresh_database(server)
        assert db.scalar("SELECT count(*) FROM cloud_private.schema_migrations") == len(
            migrations()
        )
        assert db.scalar("SELECT rolbypassrls FROM pg_roles WHERE rolname = 'service_role'")
        drop_database(server, db)
    finally:
        server.stop()
    assert server.datadir is None


def _stale_claim(cloud_db: CloudDb) -> str:
    uid = cloud_db.create_user()
    cloud_db.set_balance(uid, 3)
    # a charged analysis whose API process died: charge + claim with a lapsed lease
    cloud_db.query(
        "WITH c AS (UPDATE credits SET balance = balance - 1 WHERE user_id = %(u)s "
        "RETURNING user_id, balance) INSERT INTO transactions "
        "(user_id, amount, type, reference, balance_after) "
        "SELECT user_id, -1, 'inference', 'inference:x', balance FROM c",
        {"u": uid},
    )
    cloud_db.query(
        "INSERT INTO inference_requests (user_id, image_id, status, lease_expires_at) "
        "VALUES (%s, repeat('d', 64), 'pending', now() - interval '1 minute')",
        [uid],
    )
    return uid


def test_maintenance_refunds_dead_analyses_and_prunes(cloud_db: CloudDb) -> None:
    uid = _stale_claim(cloud_db)
    cloud_db.query(
        "INSERT INTO cloud_private.rate_limits VALUES ('user:old', now() - interval '2 hours', 3)"
    )

    async def run() -> dict[str, int]:
        db = Database(cloud_db.app_url)
        await db.open()
        try:
            return await run_maintenance(db)
        finally:
            await db.close()

    done = asyncio.run(run())
    assert done["refunded_claims"] == 1
    assert done["pruned_windows"] >= 1
    assert cloud_db.balance(uid) == 3 == cloud_db.ledger_sum(uid)
    assert asyncio.run(run())["refunded_claims"] == 0  # once


def test_the_worker_runs_queued_jobs(cloud_db: CloudDb, cloud_env: dict[str, str]) -> None:
    settings = settings_from(cloud_env)
    uid = _stale_claim(cloud_db)

    async def defer_and_work() -> None:
        async with make_app(settings).open_async() as app:
            await app.configure_task("cloud:maintenance").defer_async(timestamp=0)
        await run_worker(settings, concurrency=1, wait=False)

    asyncio.run(defer_and_work())
    assert cloud_db.balance(uid) == 3
    statuses = cloud_db.query("SELECT status::text FROM procrastinate.procrastinate_jobs")
    assert statuses  # ours, plus the periodic run the worker defers at start
    assert set(statuses) == {("succeeded",)}
