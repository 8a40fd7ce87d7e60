"""Explanations say what the numbers say: tier, drivers, notes, penalties, missing, and a
counterfactual that the real reducer confirms."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from photo_score.models import ATTRIBUTES
from photo_score.scoring import Explanation, ScoringConfig, counterfactual, explain, score_one
from photo_score.scoring.explanations import MIN_POINTS
from tests.scoring.conftest import all_at, make_config


def _explain(
    attrs: dict[str, float], config: ScoringConfig, notes: dict[str, str] | None = None
) -> Explanation:
    return explain(score_one(attrs, config), attrs, config, notes)


def test_a_blurry_photo_names_sharpness_its_note_and_the_penalty(config: ScoringConfig) -> None:
    notes = {"sharpness": "edges soft across the whole frame", "composition": "level horizon"}
    e = _explain(all_at(0.85, sharpness=0.08), config, notes)
    assert "(Competent)" in e.text or "(Strong)" in e.text
    assert e.sank == ["sharpness"]
    assert e.penalties == ["sharpness"]
    assert "sharpness penalty fired" in e.text
    assert "edges soft across the whole frame" in e.text
    assert "level horizon" in e.text  # composition lifted it, so its note is quoted too
    b = score_one(all_at(0.85, sharpness=0.08), config)
    assert f"took {b.penalties[0].points_lost:.1f} points off" in e.text


def test_lifted_and_sank_follow_the_reference(config: ScoringConfig) -> None:
    e = _explain(all_at(0.6, composition=0.95, exposure_balance=0.3), config)
    assert e.lifted == ["composition"]
    assert e.sank == ["exposure_balance"]
    assert "composition added 8.4 points" in e.text  # 0.24 × (0.95 − 0.6) × 100
    assert "exposure cost 4.2 points" in e.text  # 0.14 × (0.3 − 0.6) × 100
    assert e.penalties == []
    assert "penalty" not in e.text.split("(weights.")[0]


def test_lifts_minus_sinks_is_the_distance_from_sixty(config: ScoringConfig) -> None:
    attrs = all_at(0.5, composition=0.9, noise_level=0.95)
    b = score_one(attrs, config)
    deltas = sum(b.contributions[a] - 60 * b.weights[a] for a in ATTRIBUTES)
    assert deltas == pytest.approx(b.pre_penalty_score - 60, abs=1e-3)


def test_an_ordinary_photo_has_no_drivers(config: ScoringConfig) -> None:
    e = _explain(all_at(0.6), config)
    assert e.lifted == e.sank == e.penalties == e.missing == []
    assert "Scores 60 (Competent)." in e.text
    assert "within a point" in e.text


def test_missing_attributes_are_named(config: ScoringConfig) -> None:
    attrs = {"composition": 0.7, "subject_strength": 0.7, "sharpness": 0.8}
    e = _explain(attrs, config)
    assert e.missing == ["visual_appeal", "exposure_balance", "noise_level"]
    assert "Not measured: visual appeal, exposure and noise handling" in e.text


def test_a_missing_category_is_named(config: ScoringConfig) -> None:
    e = _explain({"sharpness": 0.9, "exposure_balance": 0.8, "noise_level": 0.9}, config)
    assert "No aesthetic attribute was measured" in e.text
    assert "visual appeal" not in e.text  # said once for the category, not per attribute


def test_the_counterfactual_is_what_the_reducer_gives(config: ScoringConfig) -> None:
    attrs = all_at(0.55, composition=0.95, sharpness=0.9)
    e = _explain(attrs, config)
    change = e.counterfactual
    assert change is not None
    assert e.suggestion is not None
    # Rebuild the changed config from the dotted key, validated like a user file.
    data = config.model_dump(mode="json")
    section, *rest = change.key.split(".")
    target = data[section]
    for part in rest[:-1]:
        target = target[part]
    target[rest[-1]] = change.new
    rescored = score_one(attrs, ScoringConfig.model_validate(data))
    assert rescored.final_score == change.score
    assert change.delta == pytest.approx(change.score - score_one(attrs, config).final_score)
    assert change.key in e.suggestion
    assert f"{change.delta:+.1f}".replace("-", "−") in e.suggestion


def test_a_penalty_threshold_counterfactual_is_confirmed(config: ScoringConfig) -> None:
    attrs = all_at(0.9, sharpness=0.1)
    change = counterfactual(attrs, config)
    assert change is not None
    assert (change.kind, change.key, change.old, change.new) == (
        "penalty_threshold",
        "penalties[0].below",
        0.2,
        0.1,
    )
    penalties = [p.model_dump() for p in config.penalties]
    penalties[0]["below"] = 0.1
    assert score_one(attrs, make_config(penalties=penalties)).final_score == change.score
    assert change.tier == "Strong"


def test_no_suggestion_when_nothing_moves_a_point(config: ScoringConfig) -> None:
    e = _explain(all_at(0.6), config)  # every weight change keeps 60
    assert e.suggestion is None
    assert e.counterfactual is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=6, max_size=6))
def test_the_chosen_change_is_the_largest(values: list[float]) -> None:
    config = make_config()
    attrs = dict(zip(ATTRIBUTES, values, strict=True))
    base = score_one(attrs, config).final_score
    change = counterfactual(attrs, config)
    best = 0.0
    weight_keys = [f"aesthetic.{a}" for a in ATTRIBUTES[:3]]
    weight_keys += [f"technical.{a}" for a in ATTRIBUTES[3:]]
    for section, keys in (
        ("weights", weight_keys),
        ("category_weights", ["aesthetic", "technical"]),
    ):
        for key in keys:
            for factor in (0.5, 1.5):
                data = config.model_dump(mode="json")
                target = data[section]
                *path, leaf = key.split(".")
                for part in path:
                    target = target[part]
                target[leaf] *= factor
                moved = score_one(attrs, ScoringConfig.model_validate(data)).final_score - base
                best = max(best, abs(moved))
    for i, p in enumerate(config.penalties):
        for factor in (0.5, 1.5):
            penalties = [q.model_dump() for q in config.penalties]
            penalties[i]["below"] = min(1.0, p.below * factor)
            moved = score_one(attrs, make_config(penalties=penalties)).final_score - base
            best = max(best, abs(moved))
    if best < MIN_POINTS:
        assert change is None
    else:
        assert change is not None
        assert abs(change.delta) == pytest.approx(best, abs=1e-9)


def test_explanations_are_deterministic(config: ScoringConfig) -> None:
    attrs = all_at(0.7, subject_strength=0.2, exposure_balance=0.05)
    notes = {"exposure_balance": "highlights clipped on 7% of the frame"}
    first = _explain(attrs, config, notes)
    assert all(_explain(attrs, config, notes) == first for _ in range(5))
    assert "highlights clipped on 7% of the frame" in first.text
