"""Bursts: grouping by capture time and camera, and the keeper chosen within a burst."""

from __future__ import annotations

import math

import numpy as np
import pytest

from photo_score.models import ATTRIBUTES
from photo_score.scoring import default_config, to_matrix
from photo_score.scoring.bursts import (
    BurstFrame,
    Shot,
    burst_ranks,
    burst_scores,
    burst_values,
    camera_identity,
    find_bursts,
    keeper_first,
    score_bursts,
)

CAM = camera_identity("0123", "Canon", "EOS R6")
OTHER = camera_identity("9999", "Canon", "EOS R6")


def frame(level: float | None = 120.0, **attrs: float) -> BurstFrame:
    base = dict.fromkeys(ATTRIBUTES, 0.7)
    return BurstFrame(values=to_matrix([{**base, **attrs}])[0], level=level)


# ------------------------------------------------------------------ grouping


def test_frames_a_moment_apart_chain_into_one_burst_and_a_pause_ends_it() -> None:
    times = ["12:00:00.0", "12:00:00.3", "12:00:01.9", "12:00:03.8", "12:00:06.0", "12:00:06.5"]
    shots = [Shot(f"2024-05-01T{t}", CAM) for t in times]
    # 1.9 → 3.8 is 1.9 s (chained); 3.8 → 6.0 is 2.2 s (a new burst)
    assert find_bursts(shots) == [[0, 1, 2, 3], [4, 5]]


def test_bursts_are_listed_in_capture_order_whatever_the_input_order() -> None:
    shots = [
        Shot("2024-05-01T12:00:01", CAM),
        Shot("2024-05-01T12:00:00", CAM),
        Shot("2024-05-01T12:00:00.5", CAM),
    ]
    assert find_bursts(shots) == [[1, 2, 0]]


def test_two_cameras_firing_together_are_never_one_burst() -> None:
    shots = [
        Shot("2024-05-01T12:00:00", CAM),
        Shot("2024-05-01T12:00:00", OTHER),
        Shot("2024-05-01T12:00:01", OTHER),
    ]
    assert find_bursts(shots) == [[1, 2]]


def test_a_photo_without_a_capture_time_is_never_grouped() -> None:
    shots = [Shot(None, CAM), Shot(None, CAM), Shot("not a date", CAM), Shot("", CAM)]
    assert find_bursts(shots) == []


def test_a_lone_frame_is_not_a_burst() -> None:
    shots = [Shot("2024-05-01T12:00:00", CAM), Shot("2024-05-01T12:10:00", CAM)]
    assert find_bursts(shots) == []


def test_an_offset_on_some_files_does_not_split_a_burst() -> None:
    shots = [Shot("2024-05-01T12:00:00+02:00", CAM), Shot("2024-05-01T12:00:01", CAM)]
    assert find_bursts(shots) == [[0, 1]]


def test_camera_identity_prefers_the_serial_number() -> None:
    assert camera_identity("42", "Nikon", "Z6") != camera_identity("43", "Nikon", "Z6")
    assert camera_identity(None, "Nikon", "Z6") == camera_identity(None, "Nikon", "Z6")
    assert camera_identity(None, "Nikon", "Z6") != camera_identity(None, "Nikon", "Z7")
    assert camera_identity(None, None, None) is None


# ------------------------------------------------------------------ the keeper


def test_the_frame_the_meter_pushed_a_stop_brighter_loses_its_burst() -> None:
    """Alone, the brighter frame of a dark burst reads better exposed; in the burst it is
    the one that strayed from what the photographer chose."""
    cfg = default_config()
    frames = [
        frame(level=60.0, exposure_balance=0.55),
        frame(level=61.0, exposure_balance=0.56, sharpness=0.4),
        frame(level=60.0, exposure_balance=0.54, noise_level=0.3),
        frame(level=82.0, exposure_balance=0.9),  # +1 EV: 2.2·log2(82.5/60.5) ≈ 0.99 stops
    ]
    alone = [float(x) for x in burst_scores([frames[0]], cfg) + burst_scores([frames[3]], cfg)]
    assert alone[1] > alone[0]  # judged alone the bright frame would win
    scores = burst_scores(frames, cfg)
    assert keeper_first(scores)[0] == 0
    assert scores[3] < scores[0]
    values = burst_values(frames)
    exposure = ATTRIBUTES.index("exposure_balance")
    stops = 2.2 * math.log2(82.5 / 61.0)  # from the burst's median brightness (60.5)
    keep = float(np.interp(stops, [0.15, 0.5, 1.0, 2.0], [1.0, 0.8, 0.55, 0.25]))
    assert values[3, exposure] == pytest.approx(0.555 * keep)  # the consensus, minus the stray


def test_no_frame_is_better_exposed_than_its_burst_consensus() -> None:
    frames = [frame(exposure_balance=0.5), frame(exposure_balance=0.6), frame(exposure_balance=0.9)]
    exposure = burst_values(frames)[:, ATTRIBUTES.index("exposure_balance")]
    assert exposure.tolist() == pytest.approx([0.5, 0.6, 0.6])


def test_without_a_measured_brightness_only_the_consensus_cap_applies() -> None:
    """A vision model's result carries no luma: nothing to count stops with."""
    frames = [frame(level=None, exposure_balance=0.8), frame(level=None, exposure_balance=0.4)]
    exposure = burst_values(frames)[:, ATTRIBUTES.index("exposure_balance")]
    assert exposure.tolist() == pytest.approx([0.6, 0.4])


def test_appeal_is_the_scene_s_and_shared_by_every_frame() -> None:
    cfg = default_config()
    frames = [frame(visual_appeal=0.6), frame(visual_appeal=0.9, sharpness=0.65)]
    appeal = burst_values(frames)[:, ATTRIBUTES.index("visual_appeal")]
    assert appeal.tolist() == pytest.approx([0.75, 0.75])
    assert keeper_first(burst_scores(frames, cfg))[0] == 0  # the sharper frame wins


def test_a_blink_and_a_turn_stay_each_frame_s_own() -> None:
    cfg = default_config()
    frames = [frame(subject_strength=0.4), frame(), frame(composition=0.5)]
    assert keeper_first(burst_scores(frames, cfg))[0] == 1
    values = burst_values(frames)
    assert values[0, ATTRIBUTES.index("subject_strength")] == pytest.approx(0.4)
    assert values[2, ATTRIBUTES.index("composition")] == pytest.approx(0.5)


def test_missing_attributes_stay_missing() -> None:
    a = BurstFrame(values=to_matrix([{"sharpness": 0.8}])[0], level=100.0)
    b = BurstFrame(values=to_matrix([{"sharpness": 0.6, "exposure_balance": 0.7}])[0], level=None)
    values = burst_values([a, b])
    assert math.isnan(values[0, ATTRIBUTES.index("exposure_balance")])
    assert math.isnan(values[0, ATTRIBUTES.index("visual_appeal")])
    assert values[1, ATTRIBUTES.index("exposure_balance")] == pytest.approx(0.7)


def test_keeper_first_breaks_ties_by_capture_order_and_puts_unscored_frames_last() -> None:
    assert keeper_first([50.0, math.nan, 70.0, 70.0]) == [2, 3, 0, 1]
    assert keeper_first([]) == []
    assert burst_scores([], default_config()) == []


def test_the_burst_rule_does_not_change_a_frame_when_the_burst_agrees() -> None:
    """Identical frames keep their own attributes: only disagreement is judged."""
    frames = [frame(exposure_balance=0.8, visual_appeal=0.6) for _ in range(3)]
    assert np.array_equal(burst_values(frames), np.array([f.values for f in frames]))


def test_many_bursts_scored_at_once_match_each_scored_alone() -> None:
    cfg = default_config()
    rng = np.random.default_rng(1)
    bursts = []
    for size in (2, 5, 3):
        values = rng.uniform(0.2, 0.95, (size, len(ATTRIBUTES)))
        levels = rng.uniform(40, 200, size)
        levels[0] = math.nan
        bursts.append((values, levels))
    together = score_bursts(bursts, cfg)
    for (values, levels), scores in zip(bursts, together, strict=True):
        frames = [
            BurstFrame(values=v, level=None if math.isnan(lv) else float(lv))
            for v, lv in zip(values, levels, strict=True)
        ]
        assert scores.tolist() == pytest.approx(burst_scores(frames, cfg))
        assert (np.argsort(burst_ranks(scores)) == keeper_first(scores.tolist())).all()
    assert score_bursts([], cfg) == []
    assert burst_ranks(np.array([60.0, math.nan, 60.0, 75.0])).tolist() == [2, 4, 3, 1]
