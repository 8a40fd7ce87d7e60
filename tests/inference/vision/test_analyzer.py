"""The synchronous Analyzer face, called from worker threads like the core pipeline does."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from photo_score.errors import AnalyzerError, AnalyzerUnavailableError
from photo_score.inference.client import ClientOptions
from photo_score.inference.openrouter import OpenRouterAnalyzer
from photo_score.inference.pipeline import prompts_version, roster_fingerprint
from photo_score.ingest.decode import prepare_photo
from photo_score.ingest.prepared import PreparedPhoto
from photo_score.storage.cache import Cache
from tests.fakes.openrouter import FakeOpenRouter, Rule
from tests.inference.vision.conftest import BETA, PhotoRef, options, roster


@pytest.fixture
def prepared(photos: list[PhotoRef]) -> list[PreparedPhoto]:
    return [prepare_photo(p.path, p.image_id) for p in photos]


def test_worker_threads_share_one_bounded_client(
    fake: FakeOpenRouter, prepared: list[PreparedPhoto], cache: Cache
) -> None:
    fake.reset(latency=0.05)
    analyzer = OpenRouterAnalyzer(roster(), cache, options=options(fake, max_concurrency=3))
    try:
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(analyzer.analyze, prepared))
    finally:
        analyzer.close()
    assert fake.max_in_flight == 3  # 4 threads x 6 calls, one shared bound
    assert [r.image_id for r in results] == [p.image_id for p in prepared]
    assert analyzer.name == "openrouter"
    assert analyzer.model == roster_fingerprint(roster())
    assert analyzer.version == prompts_version()
    assert all(
        r.key == (r.image_id, "openrouter", analyzer.model, analyzer.version) for r in results
    )
    assert not any(t.name == "openrouter-loop" for t in threading.enumerate())
    fake.reset()
    again = OpenRouterAnalyzer(roster(), cache, options=options(fake))
    try:
        again.analyze(prepared[0])
    finally:
        again.close()
    assert fake.calls() == []  # per-task cache, shared with the batch API


def test_roster_fingerprint_follows_models_and_weights() -> None:
    assert roster_fingerprint(roster()) == roster_fingerprint(roster())
    heavier = roster(aesthetic=(("fake/alpha-vl", 0.7), (BETA, 0.3)))
    assert roster_fingerprint(heavier) != roster_fingerprint(roster())


def test_failed_photo_raises_analyzer_error(
    fake: FakeOpenRouter, prepared: list[PreparedPhoto]
) -> None:
    fake.add(Rule("status", status=400, task="technical", times=None))
    analyzer = OpenRouterAnalyzer(roster(), None, options=options(fake))
    try:
        with pytest.raises(AnalyzerError, match="every model failed for technical"):
            analyzer.analyze(prepared[0])
    finally:
        analyzer.close()


def test_missing_key_fails_at_construction() -> None:
    with pytest.raises(AnalyzerUnavailableError):
        OpenRouterAnalyzer(roster(), options=ClientOptions(base_url="https://openrouter.ai/api/v1"))


def test_close_without_use_is_a_no_op() -> None:
    analyzer = OpenRouterAnalyzer(roster(), options=ClientOptions(base_url="http://localhost:1/v1"))
    analyzer.close()  # nothing was started: no loop, no client, no request
    assert analyzer.stats() == {}
    assert analyzer.cost_usd == 0.0
