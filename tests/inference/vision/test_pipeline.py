"""The composite for one photo: what is asked, how answers combine, when a photo fails."""

from __future__ import annotations

import asyncio
import json
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from photo_score.inference import pipeline as pipeline_module
from photo_score.inference import vision_image
from photo_score.inference.batch import BatchReport, arun_batch
from photo_score.inference.client import VisionClient
from photo_score.inference.pipeline import PhotoFailed, PhotoPipeline
from photo_score.models import ATTRIBUTES
from photo_score.storage.cache import Cache
from tests.fakes.openrouter import FakeOpenRouter, Rule
from tests.inference.vision.conftest import (
    ALPHA,
    BETA,
    GAMMA,
    PhotoRef,
    make_jpeg,
    options,
    roster,
)


def run(
    photos: list[PhotoRef], fake: FakeOpenRouter, cache: Cache | None, **kw: Any
) -> BatchReport:
    config = kw.pop("config", roster())
    opts = options(fake, **kw.pop("opts", {}))
    return asyncio.run(arun_batch(photos, config, cache, options=opts, **kw))


def scores_from(fake: FakeOpenRouter, model: str, task: str) -> dict[str, float]:
    (rec,) = fake.calls(model=model, task=task)
    return {k: v["score"] for k, v in json.loads(rec.content).items()}


def test_composite_asks_every_task_and_weights_the_ensemble(
    fake: FakeOpenRouter, photos: list[PhotoRef], cache: Cache
) -> None:
    config = roster(aesthetic=((ALPHA, 3.0), (BETA, 1.0)))
    report = run(photos[:1], fake, cache, config=config)
    (outcome,) = report.outcomes
    assert outcome.status == "done"
    assert outcome.calls == 7
    assert report.calls == 7
    assert sorted((r.task, r.model) for r in fake.calls()) == sorted(
        [("features", ALPHA), ("metadata", ALPHA), ("critique", ALPHA)]
        + [(t, m) for t in ("aesthetic", "technical") for m in (ALPHA, BETA)]
    )
    result = outcome.result
    assert result is not None
    for task in ("aesthetic", "technical"):
        a, b = scores_from(fake, ALPHA, task), scores_from(fake, BETA, task)
        for attr in a:
            assert result.attributes[attr] == pytest.approx((3 * a[attr] + b[attr]) / 4, abs=1e-4)
            assert result.measurements[f"{attr}@{BETA}"] == b[attr]
    assert set(result.attributes) == set(ATTRIBUTES)
    assert result.analyzer == "openrouter"
    assert result.critique is not None
    assert result.critique.working_well
    assert result.description is not None
    assert set(result.description) == {"description", "location_name", "location_country"}
    assert result.features["scene_type"]
    assert result.cost_usd == pytest.approx(0.007)
    assert 0 < (result.confidence or 0) <= 1


def test_confidence_falls_as_models_disagree() -> None:
    from photo_score.inference.consensus import Consensus, ModelScores, combine

    def confidence(a: float, b: float) -> float | None:
        c = Consensus()
        combine(
            c,
            ("composition",),
            [
                ModelScores("x", 1, {"composition": {"score": a, "note": "n"}}),
                ModelScores("y", 1, {"composition": {"score": b, "note": "n"}}),
            ],
        )
        return c.confidence

    assert confidence(0.6, 0.6) == 1.0
    assert confidence(0.5, 0.7) == pytest.approx(0.6)
    assert confidence(0.0, 1.0) == 0.0
    single = Consensus()
    combine(
        single, ("composition",), [ModelScores("x", 1, {"composition": {"score": 1, "note": "n"}})]
    )
    assert single.confidence is None


def test_critique_comes_last_with_features_and_scores(
    fake: FakeOpenRouter, photos: list[PhotoRef]
) -> None:
    report = run(photos[:1], fake, None)
    result = report.outcomes[0].result
    assert result is not None
    (critique,) = fake.calls(task="critique")
    others = [r for r in fake.calls() if r.task != "critique"]
    assert all(critique.started >= r.finished for r in others)
    text = critique.body["messages"][1]["content"][0]["text"]
    context = json.loads(text.split("(JSON):\n", 1)[1])
    assert context["features"] == result.features
    assert context["scores_0_to_1"]["composition"] == round(result.attributes["composition"], 2)
    assert "final" not in text.lower().split("(json)")[-1]  # config-free: no final score


def test_independent_calls_of_a_photo_run_at_the_same_time(
    fake: FakeOpenRouter, photos: list[PhotoRef]
) -> None:
    fake.reset(latency=0.2)
    run(photos[:1], fake, None)
    assert fake.max_in_flight == 6  # features, metadata, 2 x aesthetic, 2 x technical


def test_a_failed_model_is_dropped_and_weights_renormalised(
    fake: FakeOpenRouter, photos: list[PhotoRef]
) -> None:
    fake.add(Rule("status", status=500, model=BETA, times=None))
    report = run(photos[:1], fake, None, opts={"max_retries": 1})
    (outcome,) = report.outcomes
    assert outcome.status == "done"
    assert sorted(outcome.dropped) == [f"aesthetic:{BETA}", f"technical:{BETA}"]
    result = outcome.result
    assert result is not None
    alpha = scores_from(fake, ALPHA, "aesthetic") | scores_from(fake, ALPHA, "technical")
    assert result.attributes == pytest.approx(alpha)  # alpha alone, at full weight
    assert result.confidence is None  # nothing left to compare


def test_fallback_model_answers_when_the_first_fails(
    fake: FakeOpenRouter, photos: list[PhotoRef]
) -> None:
    config = roster()
    tasks = dict(config.tasks)
    tasks["metadata"] = (*tasks["metadata"], type(tasks["metadata"][0])(model=GAMMA))
    config = config.model_copy(update={"tasks": tasks})
    fake.add(Rule("status", status=404, model=ALPHA, task="metadata"))
    report = run(photos[:1], fake, None, config=config)
    assert report.outcomes[0].status == "done"
    assert [r.model for r in fake.calls(task="metadata")] == [ALPHA, GAMMA]


@pytest.mark.parametrize("task", ["aesthetic", "technical", "features", "metadata", "critique"])
def test_photo_fails_when_every_model_of_a_task_fails(
    fake: FakeOpenRouter, photos: list[PhotoRef], cache: Cache, task: str
) -> None:
    fake.add(Rule("status", status=503, task=task, times=None))
    report = run(photos[:2], fake, cache, opts={"max_retries": 1})
    assert [o.status for o in report.outcomes] == ["failed", "failed"]
    for o in report.outcomes:
        assert o.result is None  # never a zero score
        assert o.error is not None
        assert f"every model failed for {task}" in o.error
        assert "HTTP 503" in o.error
    # what did succeed is cached: a rerun asks only for the failed task (and what needs it)
    fake.reset()
    rerun = run(photos[:2], fake, cache)
    asked = {r.task for r in fake.calls()}
    assert asked == ({task, "critique"} if task != "metadata" else {"metadata", "critique"})
    assert [o.status for o in rerun.outcomes] == ["done", "done"]


def test_photo_failed_raises_for_direct_callers(
    fake: FakeOpenRouter, photos: list[PhotoRef]
) -> None:
    fake.add(Rule("status", status=400, task="aesthetic", times=None))

    async def main() -> None:
        async with VisionClient(options(fake)) as client:
            await PhotoPipeline(client, roster(), None).analyze(photos[0])

    with pytest.raises(PhotoFailed, match="aesthetic"):
        asyncio.run(main())


def test_the_image_is_prepared_once_and_the_same_bytes_sent_everywhere(
    fake: FakeOpenRouter, photos: list[PhotoRef], monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared: list[str] = []
    real = vision_image.prepare_vision_image

    def counting(path: str, *args: Any, **kwargs: Any) -> Any:
        prepared.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline_module, "prepare_vision_image", counting)
    run(photos, fake, None)
    assert sorted(prepared) == sorted(p.path for p in photos)
    digests = {r.image_digest for r in fake.calls()}
    assert len(digests) == len(photos)
    for digest in digests:
        assert len([r for r in fake.calls() if r.image_digest == digest]) == 7


def test_sent_image_is_oriented_downscaled_and_has_no_exif(
    fake: FakeOpenRouter, tmp_path: Path
) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, displayed portrait
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 30.0)}  # GPS
    path = make_jpeg(tmp_path / "rotated.jpg", seed=9, size=(3000, 2000), exif=exif)
    from photo_score.ingest.identity import sha256_file

    run([PhotoRef(sha256_file(str(path)), str(path))], fake, None)
    records = fake.calls()
    url = records[0].body["messages"][1]["content"][1]["image_url"]["url"]
    import base64

    data = base64.b64decode(url.split(",", 1)[1])
    with Image.open(BytesIO(data)) as img:
        assert img.size == (1024, 1536)  # portrait, long edge = image_long_edge
        assert not img.getexif()
    assert len(data) < 1_000_000


def test_a_corrupt_file_fails_alone(
    fake: FakeOpenRouter, photos: list[PhotoRef], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    report = run([PhotoRef("bad-id", str(bad)), photos[0]], fake, None)
    assert [o.status for o in report.outcomes] == ["failed", "done"]
    assert report.outcomes[0].error
    assert {r.image_digest for r in fake.calls()} == {fake.calls()[0].image_digest}
