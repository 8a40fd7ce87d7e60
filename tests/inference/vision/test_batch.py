"""Many photos: shared limits, cache behaviour, budget, dry runs, stopping and local servers."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from photo_score.inference import client as client_module
from photo_score.inference.batch import (
    PhotoOutcome,
    VisionProgress,
    arun_batch,
    calls_per_photo,
    estimate,
)
from photo_score.inference.client import ClientOptions
from photo_score.inference.prompts import METADATA, PROMPTS
from photo_score.storage.cache import Cache
from tests.fakes.openrouter import FakeOpenRouter, Rule
from tests.inference.vision.conftest import PhotoRef, make_photos, options, roster
from tests.inference.vision.test_limits import max_in_window
from tests.inference.vision.test_pipeline import run

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> list[PhotoRef]:
    return make_photos(tmp_path_factory.mktemp("many"), 12)


def test_concurrency_is_bounded_across_photos_and_calls(
    fake: FakeOpenRouter, many: list[PhotoRef]
) -> None:
    fake.reset(latency=0.05)
    report = run(many, fake, None, opts={"max_concurrency": 4})
    assert report.count("done") == 12
    assert fake.max_in_flight == 4  # never more, and the bound is actually used
    assert max(r.in_flight for r in fake.calls()) == 4


def test_requests_per_window_never_exceed_the_rate(
    fake: FakeOpenRouter, many: list[PhotoRef]
) -> None:
    # 21 requests at 8 per 1-second window (the same limiter with a short window, so the
    # test takes seconds, not minutes).
    report = run(many[:3], fake, None, opts={"requests_per_minute": 8, "rate_period_s": 1.0})
    assert report.count("done") == 3
    arrivals = [r.started for r in fake.calls()]
    assert len(arrivals) == 21
    # server-side arrival times, the full window: the limiter bounds what the server sees
    assert max_in_window(arrivals, 1.0) <= 8


def test_warm_rerun_makes_no_calls(
    fake: FakeOpenRouter, photos: list[PhotoRef], cache: Cache
) -> None:
    first = run(photos, fake, cache)
    assert first.calls == 21
    fake.reset()
    second = run(photos, fake, cache)
    assert second.calls == 0
    assert fake.calls() == []
    assert [o.result for o in second.outcomes] == [
        o.result.model_copy(update={"created_at": s.result.created_at})  # type: ignore[union-attr]
        for o, s in zip(first.outcomes, second.outcomes, strict=True)
    ]
    assert second.outcomes[0].result.cost_usd == pytest.approx(0.007)  # type: ignore[union-attr]


def test_a_new_prompt_version_reruns_only_that_task(
    fake: FakeOpenRouter, photos: list[PhotoRef], cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(photos, fake, cache)
    fake.reset()
    monkeypatch.setitem(PROMPTS, "metadata", replace(METADATA, version="metadata-2"))
    report = run(photos, fake, cache)
    assert {r.task for r in fake.calls()} == {"metadata"}
    assert report.calls == 3
    assert all(o.result and o.result.version.split("+")[3] == "metadata-2" for o in report.outcomes)


def test_max_cost_stops_before_exceeding(fake: FakeOpenRouter, many: list[PhotoRef]) -> None:
    report = run(many, fake, None, max_cost=0.02, opts={"max_concurrency": 4})
    billed = len([r for r in fake.calls() if r.status == 200]) * fake.cost_per_call
    assert billed <= 0.02
    assert report.cost_usd == pytest.approx(billed)
    assert report.stopped == "budget"
    # Which photos finish before the money runs out depends on scheduling; what matters is
    # that none is failed or scored from a partial answer (finished calls stay cached).
    assert report.count("failed") == 0
    assert all(o.result is not None for o in report.outcomes if o.status == "done")
    skipped = [o for o in report.outcomes if o.status == "skipped"]
    assert skipped
    assert any("max-cost" in (o.error or "") for o in skipped)


def test_dry_run_estimates_without_requests(
    fake: FakeOpenRouter, photos: list[PhotoRef], cache: Cache
) -> None:
    no_key = ClientOptions(base_url="https://openrouter.ai/api/v1")  # and no key needed
    report = asyncio.run(arun_batch(photos, roster(), cache, options=no_key, dry_run=True))
    assert report.dry_run
    assert report.estimated_calls == 21 == estimate(3, roster())[0]
    assert report.estimated_cost_usd == pytest.approx(estimate(3, roster())[1])
    assert report.calls == 0
    run(photos[:1], fake, cache)
    fake.reset()
    again = asyncio.run(arun_batch(photos, roster(), cache, options=no_key, dry_run=True))
    assert again.estimated_calls == 14  # the cached photo needs nothing
    assert fake.calls() == []
    assert estimate(3, roster(), base_url="http://localhost:11434/v1") == (21, 0.0)
    assert calls_per_photo(roster()) == 7


def test_progress_reports_photos_calls_and_cost(
    fake: FakeOpenRouter, photos: list[PhotoRef]
) -> None:
    events: list[VisionProgress] = []
    fake.add(Rule("status", status=429, retry_after="0", times=2))
    report = run(photos, fake, None, on_progress=events.append)
    last = events[-1]
    assert (last.photos_total, last.photos_done, last.photos_failed) == (3, 3, 0)
    assert last.calls == report.calls == 23
    assert last.retries == report.retries == 2
    assert last.cost_usd == pytest.approx(0.021)
    assert last.eta_s == 0
    calls = [e.calls for e in events]
    assert calls == sorted(calls)


def test_results_are_handed_over_as_photos_finish(
    fake: FakeOpenRouter, many: list[PhotoRef]
) -> None:
    fake.reset(latency=0.02)
    finished: list[PhotoOutcome] = []
    run(many, fake, None, on_photo=finished.append, opts={"max_concurrency": 4})
    order = [next(i for i, p in enumerate(many) if p.image_id == o.image_id) for o in finished]
    # the oldest open photo's calls go first, so photos finish roughly in input order
    assert sum(order[:6]) < sum(order[6:])


def test_a_rejected_key_stops_the_run_without_retries(
    fake: FakeOpenRouter, many: list[PhotoRef]
) -> None:
    report = run(many, fake, None, opts={"api_key": "sk-or-revoked"})
    assert report.stopped is not None
    assert "API key" in report.stopped
    assert report.retries == 0
    assert report.count("skipped") == 12
    assert len(fake.calls()) == 0  # the fake rejects before logging; nothing billable


def test_cancel_keeps_finished_photos_cached_and_closes_the_client(
    fake: FakeOpenRouter, many: list[PhotoRef], cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[bool] = []
    real_close = client_module.VisionClient.aclose

    async def recording_close(self: Any) -> None:
        closed.append(True)
        await real_close(self)

    monkeypatch.setattr(client_module.VisionClient, "aclose", recording_close)
    fake.reset(latency=0.05)
    done: list[str] = []

    async def main() -> None:
        task = asyncio.create_task(
            arun_batch(
                many,
                roster(),
                cache,
                options=options(fake, max_concurrency=4),
                on_photo=lambda o: done.append(o.image_id),
            )
        )
        while len(done) < 2:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert closed == [True]
    fake.reset()
    rerun = run(many, fake, cache)
    assert rerun.count("done") == 12
    asked = {r.image_digest for r in fake.calls()}
    assert len(asked) <= 12 - len(done)  # the finished photos cost nothing again
    assert rerun.calls < 12 * 7


def test_local_server_with_a_single_model(fake: FakeOpenRouter, photos: list[PhotoRef]) -> None:
    fake.reset(api_key=None)
    config = roster(aesthetic=(("qwen2.5vl:7b", 1.0),), single="qwen2.5vl:7b")
    opts = ClientOptions(base_url=fake.url, max_concurrency=2)  # 127.0.0.1 → local
    report = asyncio.run(arun_batch(photos, config, None, options=opts))
    assert report.count("done") == 3
    assert report.cost_usd == 0
    assert {r.model for r in fake.calls()} == {"qwen2.5vl:7b"}
    assert len(fake.calls()) == 15  # 5 tasks x 1 model
    result = report.outcomes[0].result
    assert result is not None
    assert result.confidence is None
    assert result.cost_usd == 0


_CTRL_C_SCRIPT = """
import sys
from pathlib import Path
from photo_score.inference.batch import run_batch
from photo_score.inference.client import ClientOptions
from photo_score.storage.cache import Cache
from tests.inference.vision.conftest import make_photos, roster

url, folder, db = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
photos = make_photos(folder, 8)
opts = ClientOptions(base_url=url, api_key="sk-or-fake-key", local=False, max_concurrency=4)
with Cache(db) as cache:
    def on_photo(outcome):
        print("photo", outcome.status, flush=True)
    report = run_batch(photos, roster(), cache, options=opts, on_photo=on_photo)
    print("stopped", report.stopped, report.count("done"), report.count("skipped"), flush=True)
"""


def test_ctrl_c_ends_the_run_cleanly(fake: FakeOpenRouter, tmp_path: Path) -> None:
    fake.reset(latency=0.2)
    folder = tmp_path / "p"
    folder.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-W", "error", "-c", _CTRL_C_SCRIPT, fake.url, folder, tmp_path / "c.db"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert first.startswith("photo done"), proc.stderr.read() if proc.stderr else ""
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    last = out.strip().splitlines()[-1].split()
    assert last[:2] == ["stopped", "interrupted"]
    done, skipped = int(last[2]), int(last[3])
    assert done >= 1
    assert done + skipped == 8
    assert "Traceback" not in err
    with Cache(tmp_path / "c.db") as cache:
        assert cache.stats()  # the database is intact after the interrupt
