"""Sharpness on the subject (bokeh is not punished) and motion vs defocus."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from photo_score.inference.local import LocalAnalyzer
from photo_score.inference.local.frame import make_frame
from photo_score.inference.local.subject import find_subject
from photo_score.ingest.prepared import PreparedPhoto
from tests.inference.local import degrade as d

Loader = Callable[[str], PreparedPhoto]


def test_bokeh_photo_is_not_punished(analyzer: LocalAnalyzer, load: Loader) -> None:
    """Dune: sharp grass over a blurred sea. Intentional background blur keeps it sharp."""
    p = load("canon_rebel_dune.jpg")
    res = analyzer.analyze(p)
    blurred = analyzer.analyze(d.variant(p, d.gaussian(p.preview, 3.0), "g3"))
    assert res.attributes["sharpness"] >= 0.8
    assert blurred.attributes["sharpness"] < res.attributes["sharpness"] - 0.4


def test_motion_blur_samples_are_classified_as_motion(
    analyzer: LocalAnalyzer, load: Loader
) -> None:
    for name in ("canon_sx210_motion.jpg", "fuji_s7000_motion.jpg"):
        res = analyzer.analyze(load(name))
        assert res.measurements["motion_index"] >= 0.25, name


def test_defocus_sample_is_not_classified_as_motion(analyzer: LocalAnalyzer, load: Loader) -> None:
    res = analyzer.analyze(load("canon_sx210_defocus.jpg"))
    assert res.measurements["motion_index"] < 0.25
    assert res.features["blur_type"] == "defocus"
    assert "blur" in res.features["technical_issues"]


def test_synthetic_motion_is_told_from_synthetic_defocus(
    analyzer: LocalAnalyzer, load: Loader
) -> None:
    p = load("iphone6_leuven_a.jpg")
    moved = analyzer.analyze(d.variant(p, d.motion(p.preview, 25, 100.0), "m25"))
    soft = analyzer.analyze(d.variant(p, d.gaussian(p.preview, 4.0), "g4"))
    assert moved.features["blur_type"] == "motion"
    assert soft.features["blur_type"] == "defocus"
    assert "smeared" in moved.notes["sharpness"]


def test_a_shaken_page_is_held_down_by_its_smeared_direction(
    analyzer: LocalAnalyzer, load: Loader
) -> None:
    """canon_sx210_motion: a page shaken into streaks whose JPEG blocks are visible. Blocks
    only fill a directional dip, so they must not excuse the streak (it read 0.87 sharp
    when they did); the note says which way the detail is smeared."""
    res = analyzer.analyze(load("canon_sx210_motion.jpg"))
    assert res.measurements["jpeg_blockiness"] > 0.15  # visible blocks, as shot
    assert res.attributes["sharpness"] < 0.75
    assert "smeared along" in res.notes["sharpness"]
    assert "limits sharpness to" in res.notes["sharpness"]


def test_a_short_streak_is_called_motion_not_defocus(analyzer: LocalAnalyzer, load: Loader) -> None:
    """A 7 px streak is 3.5 px on the 512 px copy the score's directional profile uses, too
    shallow a dip there (nokia_n70 at 30° and 100°: 0.21 and 0.18); the verdict reads the
    preview itself, where the dip is plain."""
    p = load("nokia_n70.jpg")
    for angle in (30.0, 100.0):
        moved = analyzer.analyze(d.variant(p, d.motion(p.preview, 7, angle), f"m7-{angle}"))
        assert moved.features["blur_type"] == "motion", angle
        assert moved.measurements["blur_motion_index"] >= 0.25, angle
        assert "smeared along" in moved.notes["sharpness"]
    soft = analyzer.analyze(d.variant(p, d.gaussian(p.preview, 3.0), "g3"))
    assert soft.features["blur_type"] == "defocus"
    assert soft.measurements["blur_motion_index"] < 0.25
    sharp = analyzer.analyze(p)
    assert "blur_motion_index" not in sharp.measurements  # only a blurred frame pays for it


def test_a_bright_sky_at_the_top_edge_is_not_the_subject() -> None:
    """A dark field under a sky that fades in towards the top edge, with one bright disc
    at (0.3, 0.6). The spectral residual's FFT joins the top edge to the bottom one, so
    until 1.15 the bright-over-dark frame grew a salient band along its top border: the
    subject's box reached up to 1% from the top and its centroid sat at (0.35, 0.46).
    Mirroring each tile before the FFT leaves the disc alone."""
    rng = np.random.default_rng(3)
    h, w = 683, 1024
    y = np.arange(h, dtype=np.float64)[:, None] / h
    field = 45.0 + cv2.GaussianBlur(rng.normal(0.0, 25.0, (h, w)), (0, 0), 2)
    field += 190.0 * np.clip(1.0 - y / 0.3, 0.0, 1.0) ** 2
    yy, xx = np.mgrid[0:h, 0:w]
    disc = np.hypot(xx - 0.3 * w, yy - 0.6 * h) < 70
    field = np.where(disc, 200.0 + rng.normal(0.0, 20.0, (h, w)), field)
    gray = np.clip(field, 0, 255).astype(np.uint8)
    subject = find_subject(make_frame(np.repeat(gray[..., None], 3, axis=2)), [])
    assert subject.kind == "salient"
    assert abs(subject.cx - 0.3) < 0.04, (subject.cx, subject.cy)
    assert abs(subject.cy - 0.6) < 0.04, (subject.cx, subject.cy)
    assert subject.frame_box[1] > 0.4, subject.frame_box  # nothing up in the sky
