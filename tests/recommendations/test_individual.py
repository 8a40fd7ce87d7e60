"""Per-photo advice against the photographer's own typical level."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photo_score.errors import NotFoundError
from photo_score.models import ATTRIBUTES, AnalysisResult, Critique, PhotoMetadata
from photo_score.recommendations import (
    Baseline,
    advice_for_image,
    advise,
    baseline_from_cache,
    baseline_from_values,
)
from photo_score.storage.cache import Cache

TYPICAL = {
    "composition": 0.6,
    "subject_strength": 0.6,
    "visual_appeal": 0.6,
    "sharpness": 0.72,
    "exposure_balance": 0.65,
    "noise_level": 0.85,
}


def _collection(n: int = 60, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centre = np.array([TYPICAL[a] for a in ATTRIBUTES])
    return np.clip(centre + rng.normal(0, 0.05, size=(n, len(ATTRIBUTES))), 0, 1)


def _result(attributes: dict[str, float], **kwargs: object) -> AnalysisResult:
    return AnalysisResult(
        image_id="ab" * 32,
        analyzer=str(kwargs.pop("analyzer", "local")),
        model="heuristic",
        version="test",
        attributes=attributes,
        **kwargs,  # type: ignore[arg-type]
    )


def test_baseline_is_the_photographers_median() -> None:
    values = _collection()
    baseline = baseline_from_values(values)
    assert baseline.ready
    assert baseline.n == 60
    for j, name in enumerate(ATTRIBUTES):
        assert baseline.attributes[name].median == pytest.approx(np.median(values[:, j]), abs=1e-4)


def test_names_the_attribute_furthest_below_the_photographers_own_median() -> None:
    values = _collection()
    baseline = baseline_from_values(values)
    usual = float(np.median(values[:, ATTRIBUTES.index("sharpness")]))
    photo = {**TYPICAL, "sharpness": 0.41, "exposure_balance": 0.5}
    advice = advise(_result(photo), baseline)
    assert advice.basis == "personal"
    assert [i.attribute for i in advice.items] == ["sharpness", "exposure_balance"]
    first = advice.items[0]
    assert first.value == 0.41
    assert first.typical == pytest.approx(usual, abs=1e-4)
    assert first.gap == pytest.approx(usual - 0.41, abs=1e-4)
    assert first.text.startswith(f"sharpness 0.41 vs your usual {usual:.2f}")
    assert "Furthest below your usual level" in advice.message
    assert "60 photos" in advice.message


def test_personal_not_absolute_a_high_value_can_be_below_typical() -> None:
    """A 0.8 is weak for someone whose noise handling is always ~0.97."""
    values = _collection()
    values[:, ATTRIBUTES.index("noise_level")] = 0.97
    photo = {**TYPICAL, "noise_level": 0.8}
    advice = advise(_result(photo), baseline_from_values(values))
    assert [i.attribute for i in advice.items] == ["noise_level"]
    within = advise(_result(dict(TYPICAL)), baseline_from_values(_collection()))
    assert within.items == []
    assert "within your usual range" in within.message


def test_advice_quotes_measurements_and_exif() -> None:
    photo = {**TYPICAL, "sharpness": 0.41}
    result = _result(
        photo,
        measurements={"sharp_subject_ratio": 0.45, "sharp_best_ratio": 0.82},
        features={"faces": [{"box": [1, 2, 3, 4]}], "blur_type": "defocus"},
        notes={"sharpness": "detail on the face keeps 45% of its fine contrast"},
    )
    md = PhotoMetadata(exposure_time=1 / 30, focal_length_mm=85, f_number=1.8)
    advice = advise(result, baseline_from_values(_collection()), metadata=md)
    item = advice.items[0]
    assert "softer than the background" in item.text
    assert "eye" in item.text
    assert any("1/30 s at 85 mm" in tip and "1/85 s" in tip for tip in item.advice)
    assert item.finding == "detail on the face keeps 45% of its fine contrast"


def test_motion_advice_quotes_the_dip_the_verdict_was_read_from() -> None:
    """A blurred frame's motion verdict comes from the preview's directional dip
    (``blur_motion_index``), not the 512 px one the score uses; the advice quotes it."""
    photo = {**TYPICAL, "sharpness": 0.3}
    result = _result(
        photo,
        measurements={"motion_index": 0.18, "blur_motion_index": 0.31},
        features={"blur_type": "motion"},
    )
    advice = advise(result, baseline_from_values(_collection()))
    item = advice.items[0]
    assert "directional smear index 0.31" in item.text
    assert any("freeze the movement" in tip for tip in item.advice)


def test_a_weakly_supported_tilt_is_advised_as_a_check_not_a_fault() -> None:
    """The analyzer's tilt confidence decides the wording: a confident reading says the
    horizon is tilted; a weak one (little level structure) says to check."""
    photo = {**TYPICAL, "composition": 0.35}
    baseline = baseline_from_values(_collection())
    for confidence, finding in (
        (0.9, "horizon/verticals tilted by 4.0°"),
        (0.35, "lines may be tilted by 4.0° (weak evidence)"),
    ):
        result = _result(photo, measurements={"tilt_deg": 4.0, "tilt_confidence": confidence})
        item = advise(result, baseline).items[0]
        assert item.attribute == "composition"
        assert finding in item.text, confidence


def test_exposure_advice_counts_stops() -> None:
    photo = {**TYPICAL, "exposure_balance": 0.3}
    result = _result(photo, measurements={"luma_p50": 30.0, "luma_p99": 120.0})
    advice = advise(result, baseline_from_values(_collection()))
    text = advice.items[0].text
    assert "median brightness 12%" in text
    assert "2.0 stops under" in text
    assert any(tip.startswith("+2.0 EV") for tip in advice.items[0].advice)


def test_vision_result_quotes_the_models_note_and_folds_in_the_critique() -> None:
    critique = Critique(
        summary="A quiet street scene.",
        working_well=["timing"],
        could_improve=["the horizon leans left"],
        key_recommendation="Level the horizon.",
    )
    photo = {**TYPICAL, "composition": 0.3}
    result = _result(
        photo,
        analyzer="openrouter:qwen",
        notes={"composition": "the horizon leans and the subject is cut"},
        critique=critique,
    )
    advice = advise(result, baseline_from_values(_collection()))
    assert advice.items[0].attribute == "composition"
    assert "the horizon leans and the subject is cut" in advice.items[0].text
    assert advice.critique is not None
    assert advice.critique.key_recommendation == "Level the horizon."
    lines = advice.lines()
    assert "Critique: Level the horizon." in lines
    assert "  - the horizon leans left" in lines


def test_too_small_a_collection_says_so_and_uses_the_absolute_scale() -> None:
    baseline = baseline_from_values(_collection(5))
    assert not baseline.ready
    photo = {**TYPICAL, "sharpness": 0.3, "exposure_balance": 0.45}
    advice = advise(_result(photo), baseline)
    assert advice.basis == "absolute"
    assert "5 scored photos" in advice.message
    assert "at least 20" in advice.message
    assert [i.attribute for i in advice.items] == ["sharpness", "exposure_balance"]
    assert all(i.typical is None and i.basis == "absolute" for i in advice.items)


def test_advice_for_a_cached_photo(tmp_path: Path) -> None:
    values = _collection(30)
    with Cache(tmp_path / "cache.db") as cache:
        with cache.transaction():
            for i, row in enumerate(values):
                attrs = {a: float(v) for a, v in zip(ATTRIBUTES, row, strict=True)}
                cache.record_result(
                    AnalysisResult(
                        image_id=f"{i:064x}",
                        analyzer="local",
                        model="heuristic",
                        version="t",
                        attributes=attrs,
                    )
                )
            weak = {**TYPICAL, "sharpness": 0.2}
            cache.record_result(_result(weak))
            cache.record_metadata("ab" * 32, PhotoMetadata(exposure_time=0.25))
        baseline = baseline_from_cache(cache)
        assert isinstance(baseline, Baseline)
        assert baseline.n == 31
        advice = advice_for_image(cache, "ab" * 32, baseline=baseline)
        assert advice.items[0].attribute == "sharpness"
        assert any("1/4 s" in tip for tip in advice.items[0].advice)
        assert advice_for_image(cache, "ab" * 32).model_dump() == advice.model_dump()
        with pytest.raises(NotFoundError):
            advice_for_image(cache, "cd" * 32)
