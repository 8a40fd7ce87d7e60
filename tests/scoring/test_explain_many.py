"""explain_many explains a whole run at once, and says exactly what explain says per photo."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from photo_score.models import ATTRIBUTES
from photo_score.scoring import (
    Explanation,
    ScoreArrays,
    ScoringConfig,
    UnscorableError,
    _explain_numbers,
    breakdown_at,
    explain,
    explain_many,
    score_matrix,
)
from photo_score.scoring._explain_numbers import python_round
from tests.scoring.conftest import make_config

CONFIGS = [
    make_config(),
    make_config(  # three penalties, one able to zero a score; a zero weight; no technical
        weights={"aesthetic": {"composition": 0, "subject_strength": 1, "visual_appeal": 0.3}},
        category_weights={"aesthetic": 1, "technical": 0},
        penalties=[
            {"attribute": "sharpness", "below": 0.8, "max_penalty": 1.0},
            {"attribute": "noise_level", "below": 0.5, "max_penalty": 0.4},
            {"attribute": "composition", "below": 0.3, "max_penalty": 0.9},
        ],
    ),
    make_config(penalties=[]),
]

value = st.one_of(
    st.just(math.nan),  # missing
    st.floats(0, 1),
    st.floats(0, 0.25),  # under the penalty floors
    st.sampled_from([0.0, 0.6, 1.0, 1.3, -0.2]),  # the reference and out-of-range values
)
note = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(ATTRIBUTES), st.sampled_from(["soft edges.", " ", "level"])),
)


def _scalar(
    arrays: ScoreArrays, i: int, config: ScoringConfig, notes: Mapping[str, str] | None
) -> Explanation:
    attributes = {
        a: float(x) for a, x in zip(ATTRIBUTES, arrays.values[i], strict=True) if not math.isnan(x)
    }
    return explain(breakdown_at(arrays, i, config), attributes, config, notes)


def _assert_same(batch: Sequence[Explanation], scalar: Sequence[Explanation]) -> None:
    assert len(batch) == len(scalar)
    for got, want in zip(batch, scalar, strict=True):
        assert got == want
        assert got.model_dump_json() == want.model_dump_json()  # same types, not just ==
        assert Explanation.model_validate(got.model_dump()) == got  # valid as built


@settings(max_examples=80, deadline=None)
@given(
    st.integers(0, len(CONFIGS) - 1),
    st.lists(st.tuples(st.lists(value, min_size=6, max_size=6), note), min_size=1, max_size=30),
)
def test_explain_many_is_explain_row_by_row(
    which: int, photos: list[tuple[list[float], dict[str, str] | None]]
) -> None:
    config = CONFIGS[which]
    arrays = score_matrix(np.array([row for row, _ in photos]), config)
    rows = [i for i in range(len(photos)) if not math.isnan(arrays.final[i])]
    notes = [photos[i][1] for i in rows]
    batch = explain_many(arrays, config, notes=notes, rows=rows)
    _assert_same(batch, [_scalar(arrays, i, config, n) for i, n in zip(rows, notes, strict=True)])


@pytest.mark.parametrize("config", CONFIGS)
def test_a_large_run_matches_in_blocks(
    config: ScoringConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many rows take the per-candidate path (here in many small blocks); still identical."""
    monkeypatch.setattr(_explain_numbers, "BLOCK_ROWS", 97)
    rng = np.random.default_rng(7)
    values = rng.random((600, 6)) ** rng.choice([0.5, 1.0, 3.0], size=(600, 1))
    values[rng.random(values.shape) < 0.15] = np.nan
    values[rng.random(values.shape) < 0.03] = 0.0
    arrays = score_matrix(values, config)
    rows = np.flatnonzero(~np.isnan(arrays.final)).tolist()
    batch = explain_many(arrays, config, rows=rows)
    assert any(e.penalties for e in batch) or not config.penalties
    assert any(e.counterfactual for e in batch)
    assert any(e.missing for e in batch)
    _assert_same(batch, [_scalar(arrays, i, config, None) for i in rows])


def test_rows_select_and_order_the_result_and_notes_follow_them() -> None:
    config = CONFIGS[0]
    values = np.array(
        [
            [0.9, 0.9, 0.9, 0.1, 0.9, 0.9],
            [0.6] * 6,
            [0.7, math.nan, 0.5, 0.8, 0.05, 0.4],
            [0.3, 0.95, 0.2, 0.9, 0.9, math.nan],
        ]
    )
    arrays = score_matrix(values, config)
    rows = [2, 0, 2]
    notes = [{"exposure_balance": "highlights clipped"}, {"sharpness": "soft edges"}, None]
    batch = explain_many(arrays, config, notes=notes, rows=rows)
    _assert_same(batch, [_scalar(arrays, i, config, n) for i, n in zip(rows, notes, strict=True)])
    assert "highlights clipped" in batch[0].text
    assert "highlights clipped" not in batch[2].text
    assert "soft edges" in batch[1].text
    everything = explain_many(arrays, config)
    assert [everything[2], everything[0], everything[2]] == [
        explain_many(arrays, config, rows=[i])[0] for i in rows
    ]
    assert everything[1].lifted == everything[1].sank == []
    assert explain_many(arrays, config, rows=[]) == []


def test_an_unscorable_row_raises_and_notes_must_follow_rows() -> None:
    config = CONFIGS[0]
    arrays = score_matrix(np.array([[math.nan] * 6, [0.5] * 6]), config)
    with pytest.raises(UnscorableError, match="row 0"):
        explain_many(arrays, config)
    assert len(explain_many(arrays, config, rows=[1])) == 1
    with pytest.raises(ValueError, match="notes"):
        explain_many(arrays, config, notes=[None, None], rows=[1])


@pytest.mark.parametrize("digits", [1, 2, 4, 6])
def test_python_round_is_round_bit_for_bit(digits: int) -> None:
    rng = np.random.default_rng(digits)
    halves = (np.arange(20_000) + 0.5) / 10.0**digits  # ties, in decimal
    x = np.concatenate([rng.random(20_000) * 100, halves, np.nextafter(halves, 0)])
    expected = [round(v, digits) for v in x.tolist()]
    assert python_round(x, digits).tolist() == expected
