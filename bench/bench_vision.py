"""Vision pipeline throughput: ours (concurrent) vs the same calls one after another.

Both run against the fake OpenRouter (tests/fakes/openrouter.py) on 127.0.0.1 with a fixed
latency per call (500 ms by default) and the default roster (7 calls per photo). "Ours" is
``arun_batch`` at ``max_concurrency`` 16 on N photos (48). The baseline is the same pipeline
with ``max_concurrency=1``, i.e. the same calls strictly one after another, on fewer photos
(4 by default) and EXTRAPOLATED per photo (the sequential cost is uniform per photo). Both
include the real image preparation (decode, orient, downscale, encode) of 24 MP JPEGs.

Also measured: per-photo latency (first request to last reply of a photo, seen by the
server), the most requests that started in any rate window versus the limit (in a
separate throttled run with a short window so it finishes in seconds; ``--real-minute``
adds the real 60 s window), and the calls a warm re-run makes.

    uv run python bench/bench_vision.py [--photos 48] [--baseline-photos 4] [--latency 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from photo_score.inference.batch import BatchReport, arun_batch  # noqa: E402
from photo_score.inference.client import ClientOptions  # noqa: E402
from photo_score.scoring.config import VisionConfig  # noqa: E402
from photo_score.storage.cache import Cache  # noqa: E402
from tests.fakes.openrouter import FakeOpenRouter, Record  # noqa: E402
from tests.inference.vision.conftest import PhotoRef, make_jpeg  # noqa: E402
from tests.inference.vision.test_limits import max_in_window  # noqa: E402


def make_photos(folder: Path, n: int) -> list[PhotoRef]:
    from photo_score.ingest.identity import sha256_file

    refs = []
    for i in range(n):
        path = make_jpeg(folder / f"IMG_{i:04d}.jpg", seed=1000 + i, size=(6000, 4000))
        refs.append(PhotoRef(sha256_file(str(path)), str(path)))
    return refs


def opts(fake: FakeOpenRouter, concurrency: int, rpm: int, period: float = 60.0) -> ClientOptions:
    return ClientOptions(
        base_url=fake.url,
        api_key=fake.api_key,
        local=False,
        max_concurrency=concurrency,
        requests_per_minute=rpm,
        rate_period_s=period,
        timeout_s=30,
    )


def go(photos: list[PhotoRef], cache: Cache | None, options: ClientOptions) -> BatchReport:
    config = VisionConfig(max_concurrency=options.max_concurrency)
    return asyncio.run(arun_batch(photos, config, cache, options=options))


def per_photo_latency(records: list[Record]) -> list[float]:
    spans: dict[str, list[float]] = {}
    for r in records:
        lo_hi = spans.setdefault(r.image_digest, [r.started, r.finished])
        lo_hi[0], lo_hi[1] = min(lo_hi[0], r.started), max(lo_hi[1], r.finished)
    return [hi - lo for lo, hi in spans.values()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=48)
    parser.add_argument("--baseline-photos", type=int, default=4)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--real-minute", action="store_true", help="also check a 60 s window")
    args = parser.parse_args()
    lat = args.latency
    fake = FakeOpenRouter(latency=lat).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            print(f"generating {args.photos} 24 MP JPEGs ...", flush=True)
            photos = make_photos(folder, args.photos)

            # -- baseline: the same calls one after another ------------------------------
            fake.reset(latency=lat)
            t = time.perf_counter()
            base = go(photos[: args.baseline_photos], None, opts(fake, 1, 100_000))
            base_s = time.perf_counter() - t
            base_per_photo = base_s / args.baseline_photos
            base_ppm = 60 / base_per_photo
            assert fake.max_in_flight == 1
            assert base.count("done") == args.baseline_photos

            # -- ours ------------------------------------------------------------------------
            with Cache(folder / "cache.sqlite3") as cache:
                fake.reset(latency=lat)
                t = time.perf_counter()
                ours = go(photos, cache, opts(fake, args.concurrency, 100_000))
                ours_s = time.perf_counter() - t
                ours_ppm = args.photos / ours_s * 60
                latencies = per_photo_latency(fake.calls())
                max_seen = fake.max_in_flight
                assert ours.count("done") == args.photos, ours.outcomes

                fake.reset(latency=lat)
                t = time.perf_counter()
                warm = go(photos, cache, opts(fake, args.concurrency, 100_000))
                warm_s = time.perf_counter() - t

            # -- single photo alone: the critical path ---------------------------------------
            fake.reset(latency=lat)
            t = time.perf_counter()
            go(photos[:1], None, opts(fake, args.concurrency, 100_000))
            alone_s = time.perf_counter() - t

            # -- rate limit (short window so it runs in seconds) ------------------------------
            rate, period = 20, 2.0
            fake.reset(latency=0.05)
            throttled = go(photos[:8], None, opts(fake, args.concurrency, rate, period))
            arrivals = [r.started for r in fake.calls()]
            worst = max_in_window(arrivals, period)  # server-side arrivals, full window
            minute_line = ""
            if args.real_minute:
                fake.reset(latency=0.05)
                go(photos[:12], None, opts(fake, args.concurrency, 60))
                real = [r.started for r in fake.calls()]
                minute_line = (
                    f"  real 60 s window, limit 60/min: {len(real)} requests, "
                    f"max in any 60 s window {max_in_window(real, 60.0)}, "
                    f"run took {max(real) - min(real):.1f} s\n"
                )
    finally:
        fake.stop()

    calls_per_photo = ours.calls / args.photos
    print(
        f"\nvision pipeline vs fake OpenRouter, {lat * 1000:.0f} ms per call, "
        f"{calls_per_photo:.0f} calls per photo\n"
        f"  baseline (sequential, {args.baseline_photos} photos, extrapolated): "
        f"{base_per_photo:.2f} s/photo = {base_ppm:.1f} photos/min\n"
        f"  ours (concurrency {args.concurrency}, {args.photos} photos): {ours_s:.2f} s "
        f"= {ours_ppm:.1f} photos/min; max in flight {max_seen}\n"
        f"  speed-up: {ours_ppm / base_ppm:.1f}x (target >= 15x)\n"
        f"  per-photo latency in the batch (first request to last reply): median "
        f"{statistics.median(latencies):.2f} s = {statistics.median(latencies) / lat:.1f} "
        f"call latencies, p90 {sorted(latencies)[int(0.9 * len(latencies))]:.2f} s\n"
        f"  one photo alone, end to end (incl. 24 MP decode): {alone_s:.2f} s "
        f"= {alone_s / lat:.1f} call latencies (target ~2)\n"
        f"  rate limit {rate} per {period:g} s: {len(arrivals)} requests in "
        f"{max(arrivals) - min(arrivals):.1f} s, max in any window {worst}, "
        f"beyond the limit: {max(0, worst - rate)} (target 0); "
        f"{throttled.count('done')} photos done\n"
        f"{minute_line}"
        f"  warm re-run: {warm.calls} calls (target 0), {warm_s:.2f} s, "
        f"{warm.count('done')} photos done\n"
        f"  cost (fake price ${fake.cost_per_call}/call): ${ours.cost_usd:.3f} run, "
        f"${ours.cost_usd / args.photos:.4f}/photo"
    )


if __name__ == "__main__":
    main()
