"""Scene type: named only with the evidence a viewer would point at, else "unknown"."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from photo_score.inference.local import LocalAnalyzer
from photo_score.ingest.prepared import PreparedPhoto
from photo_score.models import PhotoMetadata

Loader = Callable[[str], PreparedPhoto]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("canon_400d_storm.jpg", "landscape"),  # a road's horizon under a storm sky
        ("casio_qvr51_l01.jpg", "architecture"),  # a church dome against the sky
        ("iphone6_leuven_b.jpg", "architecture"),  # brick houses under an overcast sky
        ("canon_350d_blinds.jpg", "nature"),  # a leaf filling the frame
        ("canon_s40_flower.jpg", "nature"),
        ("hopper.jpg", "portrait"),
        # Unknown: no horizon, no building, no foliage to point at.
        ("xiaomi.heic", "unknown"),  # a pen on squared paper
        ("canon_sx210_defocus.jpg", "unknown"),  # a page of text: level lines, no sky
        ("canon_sx210_motion.jpg", "unknown"),  # its streaks are plumb lines, still no sky
        ("olympus_c2000z_board.jpg", "unknown"),  # green, but a grid of level and plumb lines
        ("iphone13pro_pug.heic", "unknown"),  # a dog against a white wall, not a sky
        ("moto_ela_original.jpg", "unknown"),
    ],
)
def test_scene_type_by_eye(analyzer: LocalAnalyzer, load: Loader, name: str, expected: str) -> None:
    result = analyzer.analyze(load(name))
    assert result.features["scene_type"] == expected
    for key in ("sky_top", "sky_bottom", "foliage", "level_lines", "plumb_lines"):
        assert 0.0 <= result.measurements[key] <= 1.0


def _photo(pixels: np.ndarray) -> PreparedPhoto:
    return PreparedPhoto("x", "x.jpg", PhotoMetadata(), pixels)


def test_a_smooth_illustration_with_a_pale_top_is_not_a_landscape_or_a_building(
    analyzer: LocalAnalyzer,
) -> None:
    """A wash of colour with one straight vertical edge and one level edge: 'sky' at the top
    and at the bottom alike, so nothing stands on ground and nothing is named."""
    h, w = 600, 900
    y = np.mgrid[0:h, 0:w][0].astype(np.float32)
    rng = np.random.default_rng(0)
    sky = np.stack([170 + 40 * y / h, 200 + 30 * y / h, 245 - 10 * y / h], axis=-1)
    sky[:, w // 2 :] -= 60  # a vertical edge down the middle
    sky[h // 2 :, :] -= 25  # and a level one across it
    pixels = np.clip(sky + rng.normal(0, 1.5, sky.shape), 0, 255).astype(np.uint8)
    assert analyzer.analyze(_photo(pixels)).features["scene_type"] == "unknown"


def test_a_landscape_needs_its_sky_on_top(analyzer: LocalAnalyzer, load: Loader) -> None:
    """The storm turned upside down has the same horizon, but its sky is at the bottom."""
    storm = load("canon_400d_storm.jpg")
    flipped = PreparedPhoto("f", "f.jpg", storm.metadata, np.ascontiguousarray(storm.preview[::-1]))
    assert analyzer.analyze(storm).features["scene_type"] == "landscape"
    assert analyzer.analyze(flipped).features["scene_type"] == "unknown"


def test_a_graphic_is_never_named(analyzer: LocalAnalyzer) -> None:
    """A flat drawing of a landscape: a blue band over a green one, one level edge between
    them. Its lines and its 'sky' are a landscape's, but the judge reads a graphic."""
    pixels = np.full((600, 900, 3), (40, 110, 50), np.uint8)
    pixels[:240] = (90, 150, 230)
    result = analyzer.analyze(_photo(pixels))
    assert result.confidence is not None
    assert result.confidence <= 0.25
    assert result.measurements["sky_top"] > 0.9
    assert result.measurements["level_lines"] > 0.5
    assert result.features["scene_type"] == "unknown"
