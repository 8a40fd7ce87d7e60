"""The device side of sync without a server: outbox, namespacing, the clock-skew rule."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from photo_score_sidecar.sync_worker import BACKOFF_MAX_S, backoff_delay

from photo_score.models import AnalysisResult
from photo_score.storage.cache import Cache, PendingPush, PulledRecord, SyncAck
from photo_score.storage.migrations import MIGRATIONS, migrate
from photo_score.sync.client import push_time

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
A = "https://cloud.example alice"
B = "https://cloud.example bob"


def result(
    n: int, *, at: datetime = T0, analyzer: str = "local", value: float = 0.5
) -> AnalysisResult:
    return AnalysisResult(
        image_id=f"{n:064x}",
        analyzer=analyzer,
        model="m",
        version="1",
        attributes={"composition": value},
        created_at=at,
    )


def test_results_are_queued_for_the_active_account_in_the_same_transaction(tmp_path: Path) -> None:
    with Cache(tmp_path / "c.sqlite3") as cache:
        cache.sync_set_active(A)
        cache.record_result(result(1))
        cache.sync_set_active(None)
        cache.record_result(result(2))  # signed out: the next account to sync takes it
        cache.sync_set_active(B)
        cache.record_result(result(3))
        assert cache.sync_pending_count(A) == 2
        assert cache.sync_pending_count(B) == 2
        try:
            with cache.transaction():
                cache.record_result(result(4))
                raise RuntimeError("crash before commit")
        except RuntimeError:
            pass
        assert cache.sync_pending_count(B) == 2  # neither the result nor its entry


def test_pulled_rows_are_not_queued_and_never_pushed_to_another_account(tmp_path: Path) -> None:
    with Cache(tmp_path / "c.sqlite3") as cache:
        cache.sync_set_active(A)
        cache.sync_state(A, "https://cloud.example", "alice")
        merged = cache.sync_merge(A, [PulledRecord(result(5), None, T0.isoformat(), 7)], cursor=7)
        assert merged == 1
        assert cache.sync_pending_count(A) == 0
        assert cache.sync_state(A, "https://cloud.example", "alice").cursor == 7
        cache.sync_set_active(B)
        cache.record_result(result(5, analyzer="other", at=T0 - timedelta(days=1)))
        [pending] = cache.sync_pending(B, 10)
        assert pending.result is not None
        assert pending.result.analyzer == "other"  # alice's pulled (newer) row is not bob's
        cache.sync_acknowledge(B, [SyncAck(pending.image_id, pending.upto)])
        assert cache.sync_pending_count(B) == 0


def test_results_scored_before_sync_existed_are_queued_by_the_migration(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "c.sqlite3", isolation_level=None)
    migrate(conn, MIGRATIONS[:2])
    conn.execute(
        "INSERT INTO results (image_id, analyzer, model, version, payload, created_at)"
        " VALUES (?, 'local', 'm', '1', ?, ?)",
        (f"{9:064x}", result(9).model_dump_json(), T0.isoformat()),
    )
    conn.close()
    with Cache(tmp_path / "c.sqlite3") as cache:
        assert cache.sync_pending_count(A) == 1


def pending(upto: int, known: datetime | None, mark: int | None) -> PendingPush:
    return PendingPush(
        image_id=f"{1:064x}",
        upto=upto,
        payload=None,
        pulled=False,
        created_at=None,
        record_json=None,
        known_scored_at=None if known is None else known.isoformat(),
        known_mark=mark,
    )


def test_a_change_made_after_seeing_the_server_version_is_stamped_past_it() -> None:
    slow_clock = result(1, at=T0 - timedelta(hours=2))
    # Queued after the server's version was learned (entry 5 > mark 3): Lamport step.
    assert push_time(pending(5, T0, 3), slow_clock.created_at) == T0 + timedelta(milliseconds=1)
    # Concurrent (queued before it was learned): the device's own time, the server decides.
    assert push_time(pending(2, T0, 3), slow_clock.created_at) == slow_clock.created_at
    # A clock already ahead keeps its time; nothing known keeps its time.
    ahead = result(1, at=T0 + timedelta(minutes=1))
    assert push_time(pending(5, T0, 3), ahead.created_at) == ahead.created_at
    assert push_time(pending(5, None, None), slow_clock.created_at) == slow_clock.created_at


def test_backoff_grows_and_is_capped() -> None:
    rng = random.Random(1)
    delays = [backoff_delay(n, rng=rng) for n in range(1, 15)]
    assert delays[0] < delays[3] < delays[6]
    assert max(delays) <= BACKOFF_MAX_S * 1.2
    assert min(delays[-3:]) >= BACKOFF_MAX_S * 0.8


def test_clearing_the_cache_restarts_sync_from_the_beginning(tmp_path: Path) -> None:
    with Cache(tmp_path / "c.sqlite3") as cache:
        cache.sync_state(A, "https://cloud.example", "alice")
        cache.sync_merge(A, [PulledRecord(result(6), None, T0.isoformat(), 9)], cursor=9)
        cache.sync_set_active(A)
        cache.record_result(result(7))
        cache.clear()
        assert cache.sync_state(A, "https://cloud.example", "alice").cursor == 0
        assert cache.sync_pending_count(A) == 0
