"""Bursts: grouping by capture time and camera, and the keeper chosen within a burst."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest

from photo_score.models import ATTRIBUTES
from photo_score.scoring import default_config, to_matrix
from photo_score.scoring.bursts import (
    LAYOUT,
    READINGS,
    SAME_SCENE_BITS,
    burst_ranks,
    camera_identity,
    capture_seconds,
    find_bursts,
    frame_strays,
    frame_turns,
    judge_in_burst,
    layout_distance,
    raw_twins,
    relative_turns,
    score_bursts,
    split_unlike,
    stray_notes,
)

CAM = camera_identity("0123", "Canon", "EOS R6")
OTHER = camera_identity("9999", "Canon", "EOS R6")
EXPOSURE = ATTRIBUTES.index("exposure_balance")
APPEAL = ATTRIBUTES.index("visual_appeal")
COMPOSITION = ATTRIBUTES.index("composition")
# A scene's orientation moments (second, fourth), as the local analyzer records them.
SCENE = (0.4 * np.exp(0.6j), 0.3 * np.exp(-1.1j))

Frame = tuple[list[float], dict[str, float]]  # (READINGS, NaN when unknown; attributes)
Burst = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]


def moments(turn: float, scene: tuple[complex, complex] = SCENE) -> npt.NDArray[np.complex128]:
    """The scene's moments in a frame turned by ``turn`` degrees: 2× and 4× the turn."""
    t = math.radians(turn)
    return np.array([scene[0] * np.exp(2j * t), scene[1] * np.exp(4j * t)])


def frame(level: float = 120.0, turn: float | None = 0.0, **attrs: float) -> Frame:
    """One frame's readings (median luma; the scene's moments turned by ``turn``, NaN
    when None) and attributes (0.7 unless given)."""
    m2, m4 = moments(turn) if turn is not None else (complex(math.nan, math.nan),) * 2
    return [level, m2.real, m2.imag, m4.real, m4.imag], dict.fromkeys(ATTRIBUTES, 0.7) | attrs


def burst(*frames: Frame) -> Burst:
    """(values, strays) as ``judge_in_burst`` and ``score_bursts`` take them."""
    readings = np.array([r for r, _ in frames], dtype=np.float64).reshape(-1, len(READINGS))
    return to_matrix([a for _, a in frames]), frame_strays(readings)


def scores(*frames: Frame) -> npt.NDArray[np.float64]:
    return score_bursts([burst(*frames)], default_config())[0]


def keeper(*frames: Frame) -> int:
    return int(np.argmin(burst_ranks(scores(*frames))))


# ------------------------------------------------------------------ grouping


def bursts_of(*shots: tuple[str | None, str | None]) -> list[list[int]]:
    """``find_bursts`` on (ISO capture time, camera) pairs, as lists."""
    times = np.array([capture_seconds(t) for t, _ in shots])
    return [b.tolist() for b in find_bursts(times, [c for _, c in shots])]


def test_frames_a_moment_apart_chain_into_one_burst_and_a_pause_ends_it() -> None:
    times = ["12:00:00.0", "12:00:00.3", "12:00:01.9", "12:00:03.8", "12:00:06.0", "12:00:06.5"]
    # 1.9 → 3.8 is 1.9 s (chained); 3.8 → 6.0 is 2.2 s (a new burst)
    assert bursts_of(*[(f"2024-05-01T{t}", CAM) for t in times]) == [[0, 1, 2, 3], [4, 5]]


def test_bursts_are_listed_in_capture_order_whatever_the_input_order() -> None:
    shots = [("2024-05-01T12:00:01", CAM), ("2024-05-01T12:00:00", CAM)]
    shots += [("2024-05-01T12:00:00.5", CAM), ("2024-05-01T12:00:00.5", CAM)]
    assert bursts_of(*shots) == [[1, 2, 3, 0]]  # a tie keeps input order


def test_two_cameras_firing_together_are_never_one_burst() -> None:
    shots = [("2024-05-01T12:00:00", CAM), ("2024-05-01T12:00:00", OTHER)]
    shots += [("2024-05-01T12:00:01", OTHER), ("2024-05-01T12:00:01.5", CAM)]
    assert bursts_of(*shots) == [[0, 3], [1, 2]]


def test_a_photo_without_a_capture_time_is_never_grouped() -> None:
    assert bursts_of((None, CAM), (None, CAM), ("not a date", CAM), ("", CAM)) == []
    assert bursts_of() == []


def test_a_lone_frame_is_not_a_burst() -> None:
    assert bursts_of(("2024-05-01T12:00:00", CAM), ("2024-05-01T12:10:00", CAM)) == []


def test_capture_times_are_instants_an_offset_included() -> None:
    """Two offsets naming one moment are one burst; the same clock reading in two zones
    is not. A time without an offset is read as UTC."""
    same = [("2024-05-01T12:00:00+02:00", CAM), ("2024-05-01T10:00:01+00:00", CAM)]
    assert bursts_of(*same) == [[0, 1]]
    apart = [("2024-05-01T12:00:00+02:00", CAM), ("2024-05-01T12:00:01+00:00", CAM)]
    assert bursts_of(*apart) == []
    assert capture_seconds("2024-05-01T10:00:00") == capture_seconds("2024-05-01T10:00:00Z")


def test_camera_identity_prefers_the_serial_number() -> None:
    assert camera_identity("42", "Nikon", "Z6") != camera_identity("43", "Nikon", "Z6")
    assert camera_identity(None, "Nikon", "Z6") == camera_identity(None, "Nikon", "Z6")
    assert camera_identity(None, "Nikon", "Z6") != camera_identity(None, "Nikon", "Z7")
    assert camera_identity(None, None, None) is None


# ------------------------------------------------------------------ looking alike


def look(flips: int, base: int = 0x5A5A5A5A) -> list[float]:
    """A layout signature: ``base`` in every word, the first ``flips`` bits flipped."""
    bits = np.unpackbits(np.array([base] * len(LAYOUT), ">u4").view(np.uint8))
    bits[:flips] ^= 1
    return [float(w) for w in np.packbits(bits).view(">u4")]


OTHER_SCENE = SAME_SCENE_BITS + 30  # bits from the base: a different scene


def split(*looks: list[float] | None) -> list[list[int]]:
    """``split_unlike`` on one time burst of these frames (None: no layout)."""
    layouts = np.array([x if x is not None else [math.nan] * 4 for x in looks])
    return [b.tolist() for b in split_unlike([np.arange(len(looks))], layouts)]


def test_a_raw_and_its_jpeg_are_one_shot_not_a_burst() -> None:
    t = np.array([10.0, 10.0, 10.0, 10.4, np.nan, 30.0, 50.0, 55.0, 70.0, 70.0, 70.0, 80.0])
    paths = [
        "/s/IMG_1.CR2",
        "/s/IMG_1.JPG",  # the CR2's twin
        "/s/img_1.heic",  # a second twin, names compared case aside
        "/s/IMG_2.NEF",
        "/s/IMG_3.CR3",  # EXIF not read: its JPEG stands for the shot
        "/s/IMG_3.JPG",
        "/s/IMG_4.ARW",
        "/s/IMG_4.JPG",  # 5 s apart: a different moment, not a twin
        "/s/IMG_5.CR2",
        "/s/IMG_5.DNG",  # two raws and a JPEG: which pair? none
        "/s/IMG_5.JPG",
        "/t/IMG_2.JPG",  # another folder
    ]
    assert raw_twins(paths, t) == {1: 0, 2: 0, 4: 5}
    assert raw_twins([None, None], np.array([1.0, 1.0])) == {}


def test_layout_distance_counts_the_bits_that_differ() -> None:
    a = np.array([look(0), look(0)])
    b = np.array([look(5), look(128)])
    assert layout_distance(a, b).tolist() == [5, 128]


def test_a_scene_change_within_the_time_gap_cuts_the_burst() -> None:
    a, b = look(3), look(OTHER_SCENE)
    assert split(look(0), a, look(5), b, look(OTHER_SCENE + 4)) == [[0, 1, 2], [3, 4]]


def test_two_subjects_shot_in_turn_are_two_bursts() -> None:
    a, b = look(0), look(OTHER_SCENE)
    assert split(a, b, a, b, a) == [[0, 2, 4], [1, 3]]


def test_one_odd_frame_does_not_cut_a_burst_in_two() -> None:
    """A frame blown white between good ones looks like nothing else: it is left out,
    and the frames either side of it stay one burst (each looks back three frames)."""
    assert split(look(0), look(2), look(OTHER_SCENE), look(1), look(3)) == [[0, 1, 3, 4]]


def test_frames_without_a_layout_join_by_time_alone() -> None:
    """A vision model's result or an older analyzer's records no layout: as before."""
    assert split(None, None, None) == [[0, 1, 2]]
    assert split(look(0), None, look(OTHER_SCENE)) == [[0, 1, 2]]


def test_bursts_cut_by_looks_stay_in_order_of_their_first_frame() -> None:
    layouts = np.array([look(0), look(OTHER_SCENE), look(0), look(OTHER_SCENE), look(0), look(1)])
    chains = [np.array([0, 1, 2, 3]), np.array([4, 5])]
    assert [b.tolist() for b in split_unlike(chains, layouts)] == [[0, 2], [1, 3], [4, 5]]


# ------------------------------------------------------------------ the keeper


def test_the_frame_the_meter_pushed_a_stop_brighter_loses_its_burst() -> None:
    """Alone, the brighter frame of a dark burst reads better exposed; in the burst it is
    the one that strayed from what the photographer chose."""
    frames = [
        frame(60.0, exposure_balance=0.55),
        frame(61.0, exposure_balance=0.56, sharpness=0.4),
        frame(60.0, exposure_balance=0.54, noise_level=0.3),
        frame(82.0, exposure_balance=0.9),  # +1 EV: 2.2·log2(82.5/60.5) ≈ 0.99 stops
    ]
    assert scores(frames[3]) > scores(frames[0])  # judged alone the bright frame wins
    assert keeper(*frames) == 0
    stops = 2.2 * math.log2(82.5 / 61.0)  # from the burst's median brightness (60.5)
    keep = float(np.interp(stops, [0.15, 0.5, 1.0, 2.0], [1.0, 0.8, 0.55, 0.25]))
    judged = judge_in_burst(*burst(*frames))
    assert judged[3, EXPOSURE] == pytest.approx(0.555 * keep)  # the consensus, minus the stray


def test_no_frame_is_better_exposed_than_its_burst_consensus() -> None:
    frames = [frame(exposure_balance=e) for e in (0.5, 0.6, 0.9)]
    assert judge_in_burst(*burst(*frames))[:, EXPOSURE].tolist() == pytest.approx([0.5, 0.6, 0.6])


def test_without_a_measured_brightness_only_the_consensus_cap_applies() -> None:
    """A vision model's result carries no luma: nothing to count stops with."""
    frames = [frame(math.nan, exposure_balance=0.8), frame(math.nan, exposure_balance=0.4)]
    assert judge_in_burst(*burst(*frames))[:, EXPOSURE].tolist() == pytest.approx([0.6, 0.4])


def test_appeal_is_the_scene_s_and_shared_by_every_frame() -> None:
    frames = [frame(visual_appeal=0.6), frame(visual_appeal=0.9, sharpness=0.65)]
    assert judge_in_burst(*burst(*frames))[:, APPEAL].tolist() == pytest.approx([0.75, 0.75])
    assert keeper(*frames) == 0  # the sharper frame wins


def test_a_blink_and_a_turn_stay_each_frame_s_own() -> None:
    frames = [frame(subject_strength=0.4), frame(), frame(composition=0.5)]
    assert keeper(*frames) == 1
    judged = judge_in_burst(*burst(*frames))
    assert judged[0, ATTRIBUTES.index("subject_strength")] == pytest.approx(0.4)
    assert judged[2, ATTRIBUTES.index("composition")] == pytest.approx(0.5)


def test_missing_attributes_stay_missing() -> None:
    values = to_matrix([{"sharpness": 0.8}, {"sharpness": 0.6, "exposure_balance": 0.7}])
    readings = np.array([frame(100.0)[0], frame(math.nan, None)[0]])
    judged = judge_in_burst(values, frame_strays(readings))
    assert math.isnan(judged[0, EXPOSURE])
    assert math.isnan(judged[0, APPEAL])
    assert judged[1, EXPOSURE] == pytest.approx(0.7)


def test_ranks_break_ties_by_capture_order_and_put_unscored_frames_last() -> None:
    assert burst_ranks(np.array([50.0, math.nan, 70.0, 70.0])).tolist() == [3, 4, 1, 2]
    assert burst_ranks(np.array([])).tolist() == []
    assert score_bursts([], default_config()) == []


def test_the_burst_rule_does_not_change_a_frame_when_the_burst_agrees() -> None:
    """Identical frames keep their own attributes: only disagreement is judged."""
    values, strays = burst(*[frame(exposure_balance=0.8, visual_appeal=0.6)] * 3)
    assert np.array_equal(judge_in_burst(values, strays), values)


def test_many_bursts_scored_at_once_match_each_scored_alone() -> None:
    cfg = default_config()
    rng = np.random.default_rng(1)
    bursts = []
    for size in (2, 5, 3):
        readings = np.array([frame(lv, turn)[0] for lv, turn in rng.uniform(-3, 3, (size, 2))])
        readings[:, 0] = rng.uniform(40, 200, size)
        readings[0, 0] = math.nan
        values = rng.uniform(0.2, 0.95, (size, len(ATTRIBUTES)))
        bursts.append((values, frame_strays(readings)))
    together = score_bursts(bursts, cfg)
    for one, scored in zip(bursts, together, strict=True):
        assert scored.tolist() == pytest.approx(score_bursts([one], cfg)[0].tolist())


# ------------------------------------------------------------------ turns


def test_a_turn_is_read_to_a_quarter_degree_from_either_moment() -> None:
    level = np.array([moments(0.0)] * 4)
    turned = np.array([moments(t) for t in (0.3, -2.0, 5.0, -11.5)])
    turns, match = relative_turns(turned, level)
    assert turns == pytest.approx([0.25, 2.0, 5.0, 11.5], abs=0.13)
    assert match == pytest.approx([1.0] * 4, abs=0.01)
    # A grid (a façade, a notebook) has only a fourth moment; one direction only a second.
    for scene in ((0j, 0.3 + 0j), (0.4 + 0j, 0j)):
        a, b = np.array([moments(3.0, scene)]), np.array([moments(0.0, scene)])
        assert relative_turns(a, b)[0] == pytest.approx([3.0], abs=0.13)


def test_the_frame_turned_against_its_neighbours_is_the_one_that_reads_turned() -> None:
    assert frame_turns(np.array([moments(t) for t in (0.0, 0.2, 4.0, -0.1, 0.0)])) == (
        pytest.approx([0.0, 0.0, 4.0, 0.0, 0.0], abs=0.3)
    )


def test_a_burst_turned_as_a_whole_has_no_turned_frame() -> None:
    assert frame_turns(np.array([moments(5.0)] * 4)).tolist() == [0.0] * 4


def test_two_frames_that_disagree_cannot_say_which_one_is_level() -> None:
    assert frame_turns(np.array([moments(0.0), moments(6.0)])).tolist() == [0.0, 0.0]


def test_a_long_burst_lines_each_frame_up_with_its_neighbours() -> None:
    """A slow roll across 40 frames is the photographer's; one jolt is a turned frame."""
    turns = [0.15 * i for i in range(40)]
    turns[25] += 3.0
    read = frame_turns(np.array([moments(t) for t in turns]))
    assert read[25] >= 2.0  # less the roll between it and the neighbours it is lined up with
    assert np.delete(read, 25).max() <= 0.5


def test_frames_of_another_scene_are_not_lined_up() -> None:
    """Two subjects shot within the gap: the frames are no turn of each other (their
    moments differ however one is turned), so neither reads as turned against the other."""
    other = (0.1 * np.exp(2.0j), 0.5 + 0j)
    _, match = relative_turns(np.array([moments(0.0, other)]), np.array([moments(0.0)]))
    assert match[0] < 0.8
    read = frame_turns(np.array([moments(0.0), moments(0.1), moments(0.0, other)]))
    assert read[:2].tolist() == pytest.approx([0.0, 0.0], abs=0.13)
    assert math.isnan(read[2])
    assert np.isnan(frame_turns(np.array([moments(0.0), moments(0.0, other)]))).all()


def test_frames_without_oriented_structure_are_not_read() -> None:
    flat = moments(0.0, (0.01 + 0j, 0.02j))
    read = frame_turns(np.array([flat, moments(0.0), moments(3.0), [math.nan] * 2]))
    assert math.isnan(read[0])
    assert math.isnan(read[3])
    assert read[1:3].tolist() == [0.0, 0.0]  # two readable frames that disagree


def test_a_frame_turned_against_its_burst_loses_though_nothing_level_is_in_view() -> None:
    """Alone, a turned leaf reads as well composed as the level one (nothing shows the
    turn); against the burst's other frames it is the one the hand wobbled on."""
    frames = [frame(), frame(turn=3.0, sharpness=0.75), frame(turn=0.1), frame(turn=-0.2)]
    assert scores(frames[1]) > scores(frames[0])  # judged alone the turned frame wins
    assert keeper(*frames) != 1
    values, strays = burst(*frames)
    turn = strays[1, 1]
    assert turn == pytest.approx(2.8, abs=0.13)  # 3° against its peers, less the others' 0.2°
    keep = float(np.interp(turn, [1.0, 2.0, 4.0, 8.0], [1.0, 0.85, 0.7, 0.5]))
    judged = judge_in_burst(values, strays)
    assert judged[1, COMPOSITION] == pytest.approx(0.7 * keep)
    assert judged[[0, 2, 3], COMPOSITION].tolist() == pytest.approx([0.7] * 3)


def test_without_orientation_readings_composition_is_each_frame_s_own() -> None:
    """A vision model's result records no moments: no turn is read."""
    frames = [frame(turn=None), frame(turn=None, composition=0.6)]
    assert judge_in_burst(*burst(*frames))[:, COMPOSITION].tolist() == pytest.approx([0.7, 0.6])


def test_strays_are_signed_stops_and_turns_and_said_in_words() -> None:
    frames = [frame(60.0), frame(61.0), frame(82.0), frame(60.0, turn=2.5)]
    _, strays = burst(*frames)
    assert strays[2, 0] == pytest.approx(2.2 * math.log2(82.5 / 61.0))  # median 60.5
    assert strays[0, 0] < 0  # a touch darker than the median
    assert stray_notes(*strays[2]) == ["1.0 stop brighter than the rest of the burst"]
    assert stray_notes(*strays[3]) == ["turned 2.5° against the other frames"]
    assert stray_notes(*strays[0]) == []  # 0.03 stop, no turn: nothing worth saying
    assert stray_notes(-1.46, 1.0) == [
        "1.5 stops darker than the rest of the burst",
        "turned 1.0° against the other frames",
    ]
    assert stray_notes(math.nan, math.nan) == []
