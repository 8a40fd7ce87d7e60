"""Sync throughput against the real thing on loopback (PostgreSQL + `photo-score-cloud serve`).

1. Push: a device cache with N results (default 100,000, realistic payloads: six
   attributes, features, notes, measurements, EXIF metadata) is pushed through
   ``POST /sync/attributes`` by the real client (outbox → batches of 1000 → one upsert
   statement each → acknowledgements in SQLite). Compared with a raw PostgreSQL ``COPY`` of
   the same rows into the same table (same trigger, same indexes) for another user.
   ratio = COPY time / push time (1.0 = as fast as COPY; target ≥ 0.3). Run against one
   and two API workers.
2. Pull of the same N records on a second device (pages of 1000, merged into SQLite).
3. A no-change sync round trip (empty outbox, nothing after the cursor): median of 30.

Run: ``uv run python bench/bench_sync.py [N]``.
"""

from __future__ import annotations

import json
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from photo_score.models import AnalysisResult, PhotoMetadata  # noqa: E402
from photo_score.sync.client import SyncClient, SyncReport, record_json  # noqa: E402
from tests.cloud import pg  # noqa: E402
from tests.cloud.conftest import drop_database, fresh_database  # noqa: E402
from tests.cloud.helpers import LiveServer, signup  # noqa: E402
from tests.sync.devices import PASSWORD, Device  # noqa: E402

T0 = datetime(2026, 1, 1, tzinfo=UTC)
# uvicorn workers: one, and two (the API is stateless and scales out; DESIGN §6). With
# two, every request on loopback costs ~45 ms more here (see the report), whatever the route.
WORKERS = (1, 2)


def fill(device: Device, n: int) -> None:
    meta = PhotoMetadata(
        capture_time="2026-01-01T10:00:00.123+01:00",
        camera_make="FUJIFILM",
        camera_model="X-T5",
        lens="XF16-55mmF2.8 R LM WR",
        exposure_time=0.004,
        f_number=5.6,
        iso=200,
        focal_length_mm=23.0,
        gps_lat=48.1,
        gps_lon=11.5,
        width=6240,
        height=4160,
        format="JPEG",
    )
    with device.cache.transaction():
        for i in range(n):
            image_id = f"{i:064x}"
            v = (i % 97) / 97
            device.cache.record_metadata(image_id, meta)
            device.cache.record_result(
                AnalysisResult(
                    image_id=image_id,
                    analyzer="local",
                    model="heuristic-v1",
                    version="7",
                    attributes={
                        "composition": v,
                        "subject_strength": v,
                        "visual_appeal": v,
                        "sharpness": v,
                        "exposure_balance": v,
                        "noise_level": v,
                    },
                    features={
                        "scene_type": "landscape",
                        "lighting": "golden_hour",
                        "human_presence": "none",
                    },
                    measurements={"laplacian_var": 812.5, "clipped_highlights": 0.012},
                    notes={"sharpness": "crisp detail on the subject"},
                    confidence=0.7,
                    created_at=T0 + timedelta(seconds=i),
                )
            )


def copy_rows(owner_url: str, user_id: str, device: Device, n: int) -> float:
    """COPY the rows the push would send (same transformation, GPS stripped) for a user."""
    pending = device.cache.sync_pending(device.cloud.require_session().namespace, n)
    rows = []
    for item in pending:
        raw = record_json(item, share_location=False)
        assert raw is not None
        rec = json.loads(raw)
        rows.append(
            (
                user_id,
                rec["image_id"],
                json.dumps(rec["attributes"]),
                json.dumps(rec["metadata"]),
                json.dumps(rec["analysis"]),
                rec["analyzer"],
                rec["model"],
                rec["version"],
                rec["scored_at"],
            )
        )
    with psycopg.connect(owner_url) as conn:
        started = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY public.cached_attributes (user_id, image_id, attributes, metadata, analysis,"
                " analyzer, model, version, scored_at) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        conn.commit()
        return time.perf_counter() - started


def measure(server: pg.PgServer, n: int, workers: int) -> None:
    """The whole scenario on a fresh database and a `serve --workers N` process."""
    db = fresh_database(server)
    env = {
        "ENVIRONMENT": "production",
        "DATABASE_URL": db.app_url,
        "AUTH_JWT_SECRET": secrets.token_urlsafe(48),
        "OPENROUTER_API_KEY": "sk-or-fake-key-for-the-bench",
        "RATE_LIMIT_PER_MINUTE": "10000000",
        "AUTH_RATE_LIMIT_PER_MINUTE": "10000000",
        "LOG_LEVEL": "WARNING",
    }
    api = LiveServer(env, workers=workers).start()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        with httpx.Client(base_url=api.url, timeout=60) as http:
            email = f"{uuid.uuid4().hex[:8]}@example.test"
            signup(http, email, PASSWORD)
            copy_user = signup(http)["user"]["id"]
        a, b = Device(tmp / "a", api.url), Device(tmp / "b", api.url)
        a.login(email)
        b.login(email)
        fill(a, n)
        copy_s = copy_rows(db.owner_url, copy_user, a, n)

        session = a.cloud.require_session()
        a.cache.sync_state(session.namespace, session.server_url, session.user_id)
        report = SyncReport()
        started = time.perf_counter()
        SyncClient(a.cache, a.cloud).push(session.namespace, report)
        push_s = time.perf_counter() - started
        assert report.pushed == n, report
        stored = db.scalar("SELECT count(*) FROM cached_attributes WHERE user_id = %s",
                           [session.user_id])  # fmt: skip
        assert stored == n, stored

        started = time.perf_counter()
        pulled = b.sync()
        pull_s = time.perf_counter() - started
        assert pulled.merged == n, pulled
        a.sync()  # A catches its cursor up (its own records come back as echoes)

        timings = []
        for _ in range(30):
            started = time.perf_counter()
            idle = a.sync()
            timings.append(time.perf_counter() - started)
            assert idle.pushed == idle.pulled == 0
        idle_ms = statistics.median(timings) * 1000

        print(f"-- {n:,} results, `photo-score-cloud serve --workers {workers}`")
        print(f"{'push via /sync/attributes':34} {push_s:8.2f}s  {n / push_s:10,.0f} rows/s")
        print(f"{'raw COPY, same rows, same table':34} {copy_s:8.2f}s  {n / copy_s:10,.0f} rows/s")
        print(f"{'ratio (COPY time / push time)':34} {copy_s / push_s:8.2f}   (target ≥ 0.3)")
        print(f"{'pull + merge on device B':34} {pull_s:8.2f}s  {n / pull_s:10,.0f} rows/s")
        print(f"{'no-change sync round trip':34} {idle_ms:8.1f} ms median of 30 "
              f"(max {max(timings) * 1000:.1f} ms; target < 100 ms)")  # fmt: skip
        a.close()
        b.close()
    finally:
        api.stop()
        drop_database(server, db)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    server = pg.server()
    try:
        for workers in WORKERS:
            measure(server, n, workers)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
