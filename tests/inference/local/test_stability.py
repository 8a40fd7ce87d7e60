"""Stability under burst jitter, tilt from oriented structure, and new highlight clipping.

Real photos only. A hand-held burst moves the frame by a few pixels between shots; a
score that jumps with that cannot rank a burst. Version 1.1 moved composition by up to
0.55 on these photos for a 3 px shift (saliency argmax, thresholded cropping, Hough).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from photo_score.inference.local import LocalAnalyzer
from photo_score.ingest.prepared import PreparedPhoto
from tests.inference.local import degrade as d

Loader = Callable[[str], PreparedPhoto]

SHIFTS = [(3.0, -2.0), (-3.0, 2.5), (1.5, 3.0), (-2.0, -3.0)]


@pytest.mark.parametrize(
    "name", ["iphone6_leuven_a.jpg", "canon_350d_blinds.jpg", "canon_rebel_dune.jpg"]
)
def test_small_shift_barely_moves_composition(
    analyzer: LocalAnalyzer, load: Loader, name: str
) -> None:
    p = load(name)
    ref = analyzer.analyze(p)
    for dx, dy in SHIFTS:
        res = analyzer.analyze(d.variant(p, d.shift(p.preview, dx, dy), f"s{dx},{dy}"))
        delta = abs(res.attributes["composition"] - ref.attributes["composition"])
        assert delta <= 0.08, (dx, dy, delta)
        for k in ("subject_cx", "subject_cy"):
            assert abs(res.measurements[k] - ref.measurements[k]) <= 0.06, (k, dx, dy)
        assert abs(res.measurements["tilt_confidence"] - ref.measurements["tilt_confidence"]) <= 0.2


@pytest.mark.parametrize(
    "name", ["olympus_c2000z_board.jpg", "fuji_s7000_motion.jpg", "casio_qvr51_large.jpg"]
)
def test_tilt_estimate_follows_the_rotation(
    analyzer: LocalAnalyzer, load: Loader, name: str
) -> None:
    p = load(name)
    base = analyzer.analyze(d.variant(p, d.tilt(p.preview, 0.0), "t0"))
    comps = [base.attributes["composition"]]
    for deg in (2.0, 4.0, 8.0):
        res = analyzer.analyze(d.variant(p, d.tilt(p.preview, deg), f"t{deg}"))
        # cv2 turns counter-clockwise for a positive angle: lines go to −deg in image axes.
        measured = res.measurements["tilt_deg"] - base.measurements["tilt_deg"]
        assert measured == pytest.approx(-deg, abs=1.0), (deg, measured)
        comps.append(res.attributes["composition"])
    assert all(a > b for a, b in itertools.pairwise(comps)), comps
    assert "tilted" in res.features["technical_issues"]


def test_no_level_structure_gives_a_neutral_tilt(analyzer: LocalAnalyzer, load: Loader) -> None:
    """Wood grain has no horizon: no tilt is reported and turning it costs nothing."""
    p = load("minolta_z5_wood.jpg")
    for deg in (0.0, 8.0):
        res = analyzer.analyze(d.variant(p, d.tilt(p.preview, deg), f"t{deg}"))
        assert "tilt_deg" not in res.measurements
        assert res.measurements["tilt_confidence"] < 0.1
        assert "tilted" not in res.features["technical_issues"]


@pytest.mark.parametrize("name", ["canon_350d_blinds.jpg", "canon_rebel_dune.jpg"])
def test_new_highlight_clipping_outweighs_a_brighter_median(
    analyzer: LocalAnalyzer, load: Loader, name: str
) -> None:
    """+0.75 EV moves these medians towards the middle but blows a channel on 25–40%."""
    p = load(name)
    base = analyzer.analyze(p)
    over = analyzer.analyze(d.variant(p, d.exposure(p.preview, 0.75), "ev0.75"))
    assert over.measurements["clip_any_channel"] > base.measurements["clip_any_channel"] + 0.2
    assert over.attributes["exposure_balance"] < base.attributes["exposure_balance"] - 0.1
    assert "colour channel is clipped" in over.notes["exposure_balance"]
    assert over.features["exposure_key"] != "high-key"
