"""The reducer: the formula, missing attributes, penalties, clamping, and vector == scalar."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from photo_score.models import ATTRIBUTES
from photo_score.scoring import (
    ScoringConfig,
    UnscorableError,
    breakdown_at,
    score_matrix,
    score_one,
    to_matrix,
)
from tests.scoring.conftest import all_at, make_config
from tests.scoring.reference import reference_score

NAN = math.nan


def test_worked_example_from_the_docs(config: ScoringConfig) -> None:
    # All 0.9 but sharpness 0.1: A = 0.9, T = 0.58, raw = 0.772, factor 0.75 → 57.9.
    b = score_one(all_at(0.9, sharpness=0.1), config)
    assert b.aesthetic_score == pytest.approx(0.9)
    assert b.technical_score == pytest.approx(0.58)
    assert b.pre_penalty_score == pytest.approx(77.2)
    assert b.final_score == 57.9
    assert b.tier == "Competent"
    [hit] = b.penalties
    assert (hit.attribute, hit.value, hit.factor) == ("sharpness", pytest.approx(0.1), 0.75)
    assert hit.points_lost == pytest.approx(77.2 - 57.9)


def test_default_weights_give_the_documented_effective_weights(config: ScoringConfig) -> None:
    b = score_one(all_at(0.5), config)
    expected = [0.24, 0.21, 0.15, 0.16, 0.14, 0.10]
    assert [b.weights[a] for a in ATTRIBUTES] == pytest.approx(expected)
    assert sum(b.contributions.values()) == pytest.approx(b.pre_penalty_score) == 50.0


@pytest.mark.parametrize(("value", "expected"), [(1.0, 100.0), (0.0, 0.0), (0.6, 60.0)])
def test_uniform_attributes_score_their_value(
    config: ScoringConfig, value: float, expected: float
) -> None:
    # 0 fires both penalties but 0 × anything is still 0.
    assert score_one(all_at(value), config).final_score == expected


def test_only_ratios_of_weights_matter() -> None:
    scaled = make_config(
        weights={
            "aesthetic": {"composition": 4, "subject_strength": 3.5, "visual_appeal": 2.5},
            "technical": {"sharpness": 40, "exposure_balance": 35, "noise_level": 25},
        },
        category_weights={"aesthetic": 3, "technical": 2},
    )
    values = np.random.default_rng(1).random((200, 6))
    a = score_matrix(values, scaled).final
    b = score_matrix(values, make_config()).final
    np.testing.assert_allclose(a, b, atol=0.01)


def test_penalty_is_linear_below_the_threshold(config: ScoringConfig) -> None:
    # sharpness penalty: below 0.20, max 0.50. At 0.05 the depth is 0.75 → factor 0.625.
    values = to_matrix([all_at(0.8, sharpness=s) for s in (0.25, 0.20, 0.10, 0.05, 0.0)])
    factors = score_matrix(values, config).penalty_factors[:, 0]
    np.testing.assert_allclose(factors, [1.0, 1.0, 0.75, 0.625, 0.5])


def test_two_penalties_multiply_and_share_the_points(config: ScoringConfig) -> None:
    b = score_one(all_at(0.8, sharpness=0.1, exposure_balance=0.05), config)
    assert [h.factor for h in b.penalties] == [0.75, 0.85]
    assert b.final_score == pytest.approx(b.pre_penalty_score * 0.75 * 0.85, abs=0.005)
    lost = sum(h.points_lost for h in b.penalties)
    assert lost == pytest.approx(b.pre_penalty_score - b.final_score, abs=0.01)
    assert b.penalties[0].points_lost > b.penalties[1].points_lost


def test_disabled_penalty_never_fires() -> None:
    cfg = make_config(penalties=[{"attribute": "sharpness", "below": 0.2, "max_penalty": 0}])
    assert score_one(all_at(0.8, sharpness=0.0), cfg).penalties == []


def test_out_of_range_attributes_are_clipped_and_the_score_clamped(config: ScoringConfig) -> None:
    high = score_matrix(to_matrix([all_at(1.7), all_at(-0.4)]), config)
    assert list(high.final) == [100.0, 0.0]
    assert np.nanmax(high.values) <= 1.0
    assert np.nanmin(high.values) >= 0.0


def test_one_missing_attribute_renormalises_within_its_category(config: ScoringConfig) -> None:
    attrs = all_at(0.5, composition=0.9)
    del attrs["visual_appeal"]
    b = score_one(attrs, config)
    assert b.missing == ["visual_appeal"]
    assert b.aesthetic_score == pytest.approx((0.40 * 0.9 + 0.35 * 0.5) / 0.75, abs=5e-5)
    assert b.contributions["visual_appeal"] == 0.0
    assert sum(b.weights.values()) == pytest.approx(1.0)


def test_a_missing_category_leaves_the_other_alone(config: ScoringConfig) -> None:
    b = score_one({"sharpness": 0.9, "exposure_balance": 0.7, "noise_level": 0.5}, config)
    assert b.aesthetic_score is None
    assert b.technical_score == pytest.approx(0.4 * 0.9 + 0.35 * 0.7 + 0.25 * 0.5, abs=5e-5)
    assert b.final_score == pytest.approx(100 * b.technical_score, abs=0.01)
    assert b.missing == ["composition", "subject_strength", "visual_appeal"]


def test_no_attribute_is_unscorable_never_zero(config: ScoringConfig) -> None:
    arrays = score_matrix(to_matrix([{}, all_at(0.5)]), config)
    assert math.isnan(arrays.final[0])
    assert arrays.final[1] == 50.0
    assert list(arrays.complete) == [False, True]
    with pytest.raises(UnscorableError):
        breakdown_at(arrays, 0, config)
    with pytest.raises(UnscorableError):
        score_one({}, config)


def test_only_zero_weighted_attributes_is_unscorable() -> None:
    cfg = make_config(
        weights={"aesthetic": {"composition": 0, "subject_strength": 1, "visual_appeal": 1}}
    )
    arrays = score_matrix(to_matrix([{"composition": 0.9}]), cfg)
    assert math.isnan(arrays.final[0])
    assert math.isnan(arrays.aesthetic[0])


def test_unknown_attribute_names_are_rejected(config: ScoringConfig) -> None:
    with pytest.raises(ValueError, match="sharpnes"):
        score_one({"sharpnes": 0.5}, config)


def test_bad_matrix_shape_is_rejected(config: ScoringConfig) -> None:
    with pytest.raises(ValueError, match="N×6"):
        score_matrix(np.zeros((3, 5)), config)


def test_empty_matrix_scores_nothing(config: ScoringConfig) -> None:
    assert score_matrix(np.zeros((0, 6)), config).final.shape == (0,)


def test_the_final_score_has_two_decimals(config: ScoringConfig) -> None:
    finals = score_matrix(np.random.default_rng(7).random((500, 6)), config).final
    np.testing.assert_array_equal(finals, np.round(finals, 2))


def test_scoring_is_deterministic(config: ScoringConfig) -> None:
    values = np.random.default_rng(3).random((1000, 6))
    values[values < 0.1] = NAN
    a, b = score_matrix(values, config), score_matrix(values.copy(), config)
    np.testing.assert_array_equal(a.final, b.final)
    np.testing.assert_array_equal(a.contributions, b.contributions)


attribute_value = st.one_of(st.floats(0, 1), st.just(NAN), st.floats(-0.5, 1.5))
weight = st.one_of(st.just(0.0), st.floats(1e-3, 5))  # no denormals: the naive reference underflows


@st.composite
def configs(draw: st.DrawFn) -> ScoringConfig:
    def category(names: tuple[str, ...]) -> dict[str, float]:
        values = {n: draw(weight) for n in names}
        if not any(values.values()):
            values[names[0]] = 1.0
        return values

    penalties = [
        {"attribute": a, "below": draw(st.floats(0.01, 1)), "max_penalty": draw(st.floats(0, 1))}
        for a in draw(st.lists(st.sampled_from(ATTRIBUTES), unique=True, max_size=3))
    ]
    aw, tw = draw(weight), draw(weight)
    return make_config(
        weights={
            "aesthetic": category(ATTRIBUTES[:3]),
            "technical": category(ATTRIBUTES[3:]),
        },
        category_weights={"aesthetic": aw or 1.0, "technical": tw},
        penalties=penalties,
    )


@settings(max_examples=150, deadline=None)
@given(cfg=configs(), rows=st.lists(st.lists(attribute_value, min_size=6, max_size=6), max_size=8))
def test_vectorised_equals_per_photo_and_the_reference(
    cfg: ScoringConfig, rows: list[list[float]]
) -> None:
    values = np.array(rows, dtype=np.float64).reshape(len(rows), 6)
    arrays = score_matrix(values, cfg)
    for i, row in enumerate(rows):
        attrs = dict(zip(ATTRIBUTES, row, strict=True))
        expected = reference_score(attrs, cfg)
        if expected is None:
            assert math.isnan(arrays.final[i])
            continue
        one = score_one(attrs, cfg)
        assert one.final_score == arrays.final[i]
        assert arrays.final[i] == pytest.approx(expected, abs=0.005 + 1e-9)
        assert sum(one.contributions.values()) == pytest.approx(one.pre_penalty_score, abs=1e-3)
