"""Each attribute responds in the right direction to each degradation, on real photos."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from photo_score.inference.local import LocalAnalyzer
from photo_score.inference.local.color import measure_colour
from photo_score.inference.local.frame import make_frame
from photo_score.ingest.prepared import PreparedPhoto
from photo_score.models import ATTRIBUTES
from tests.inference.local import degrade as d

# Photos with different content: landscape, architecture, portrait, macro, bokeh.
PHOTOS = [
    "iphone6_leuven_a.jpg",
    "casio_qvr51_l02.jpg",
    "messi5.jpg",
    "canon_s40_flower.jpg",
    "fujifilm_w3.mpo",
]

Loader = Callable[[str], PreparedPhoto]


def _attrs(analyzer: LocalAnalyzer, photo: PreparedPhoto) -> dict[str, float]:
    return analyzer.analyze(photo).attributes


@pytest.mark.parametrize("name", PHOTOS)
def test_gaussian_blur_lowers_sharpness_monotonically(
    analyzer: LocalAnalyzer, load: Loader, name: str
) -> None:
    p = load(name)
    values = [_attrs(analyzer, p)["sharpness"]]
    for sigma in (1.5, 3.0, 5.0):
        values.append(
            _attrs(analyzer, d.variant(p, d.gaussian(p.preview, sigma), f"g{sigma}"))["sharpness"]
        )
    assert values == sorted(values, reverse=True), values
    assert values[0] - values[-1] > 0.4


@pytest.mark.parametrize("name", PHOTOS)
def test_motion_blur_lowers_sharpness(analyzer: LocalAnalyzer, load: Loader, name: str) -> None:
    p = load(name)
    base = _attrs(analyzer, p)["sharpness"]
    blurred = _attrs(analyzer, d.variant(p, d.motion(p.preview, 21, 30.0), "m21"))["sharpness"]
    assert blurred < base - 0.2


@pytest.mark.parametrize("name", PHOTOS)
def test_noise_lowers_noise_level(analyzer: LocalAnalyzer, load: Loader, name: str) -> None:
    p = load(name)
    values = [_attrs(analyzer, p)["noise_level"]]
    for sigma in (6.0, 12.0, 24.0):
        values.append(
            _attrs(analyzer, d.variant(p, d.noise(p.preview, sigma), f"n{sigma}"))["noise_level"]
        )
    assert values == sorted(values, reverse=True), values
    assert values[-1] < 0.2


@pytest.mark.parametrize("name", PHOTOS)
def test_under_and_over_exposure_lower_exposure_balance(
    analyzer: LocalAnalyzer, load: Loader, name: str
) -> None:
    p = load(name)
    base = _attrs(analyzer, p)["exposure_balance"]
    for ev in (-2.0, -3.0, 2.0):
        worse = _attrs(analyzer, d.variant(p, d.exposure(p.preview, ev), f"ev{ev}"))[
            "exposure_balance"
        ]
        assert worse < base - 0.1, (ev, base, worse)


def test_a_pale_scene_exposed_bright_beats_its_meter_grey_copy(
    analyzer: LocalAnalyzer, load: Loader
) -> None:
    """Pale wood with no dark tones in it (p1 70%, p50 82%, p99 89%, nothing clipped) is
    rightly bright; a meter would render it grey a stop down. Judged as a normal frame
    it was "washed out" (0.51) and its grey copy won (0.67). Clipping still costs."""
    p = load("minolta_z5_wood.jpg")
    base = analyzer.analyze(p)
    grey = analyzer.analyze(d.variant(p, d.exposure(p.preview, -1.0), "ev-1"))
    blown = analyzer.analyze(d.variant(p, d.exposure(p.preview, 0.75), "ev0.75"))
    assert base.features["exposure_key"] == "high-key"
    assert "pale scene" in base.notes["exposure_balance"]
    assert "washed out" not in base.notes["exposure_balance"]
    assert base.attributes["exposure_balance"] > grey.attributes["exposure_balance"] + 0.1
    assert blown.attributes["exposure_balance"] < 0.2


@pytest.mark.parametrize("name", PHOTOS)
def test_heavy_jpeg_lowers_noise_level(analyzer: LocalAnalyzer, load: Loader, name: str) -> None:
    p = load(name)
    base = _attrs(analyzer, p)["noise_level"]
    worse = _attrs(analyzer, d.variant(p, d.jpeg(p.preview, 8), "q8"))["noise_level"]
    assert worse < base - 0.2


@pytest.mark.parametrize("name", ["iphone6_leuven_a.jpg", "casio_qvr51_l02.jpg"])
def test_tilt_lowers_composition_on_photos_with_lines(
    analyzer: LocalAnalyzer, load: Loader, name: str
) -> None:
    """Only photos with long straight lines can reveal a tilt (see docs: limitations)."""
    p = load(name)
    res = analyzer.analyze(p)
    tilted = analyzer.analyze(d.variant(p, d.tilt(p.preview, 6.0), "t6"))
    assert tilted.attributes["composition"] < res.attributes["composition"]
    assert "tilted" in tilted.features["technical_issues"]
    assert abs(tilted.measurements["tilt_deg"]) > 3.0


@pytest.mark.parametrize("name", PHOTOS)
def test_all_values_in_unit_range(analyzer: LocalAnalyzer, load: Loader, name: str) -> None:
    p = load(name)
    for img in (
        p.preview,
        d.noise(p.preview, 30.0),
        d.exposure(p.preview, 4.0),
        d.exposure(p.preview, -5.0),
    ):
        res = analyzer.analyze(d.variant(p, img, "x"))
        assert set(res.attributes) == set(ATTRIBUTES)
        assert all(0.0 <= v <= 1.0 for v in res.attributes.values()), res.attributes
        assert res.confidence is not None
        assert 0.0 <= res.confidence <= 1.0


def test_scores_have_a_real_spread(analyzer: LocalAnalyzer, load: Loader) -> None:
    """A mediocre photo must not get 0.5 on everything: attributes differ across photos."""
    results = [analyzer.analyze(load(n)).attributes for n in [*PHOTOS, "canon_sx210_defocus.jpg"]]
    for attr in ATTRIBUTES:
        values = [r[attr] for r in results]
        assert max(values) - min(values) > 0.1, (attr, values)


@pytest.mark.parametrize("name", ["iphone6_leuven_a.jpg", "canon_s40_flower.jpg"])
def test_technical_defects_lower_visual_appeal(
    analyzer: LocalAnalyzer, load: Loader, name: str
) -> None:
    """A blurred or grainy copy is less appealing, whatever it does to contrast or colour."""
    p = load(name)
    base = analyzer.analyze(p).attributes["visual_appeal"]
    for tag, img in (("g4", d.gaussian(p.preview, 4.0)), ("n24", d.noise(p.preview, 24.0))):
        worse = analyzer.analyze(d.variant(p, img, tag)).attributes["visual_appeal"]
        assert worse < base - 0.05, (tag, base, worse)


def test_brightening_does_not_lift_visual_appeal(analyzer: LocalAnalyzer, load: Loader) -> None:
    """Colourfulness and RMS contrast grow with brightness; read as measured, a copy of
    the elephants ¾ EV brighter (2% of it blown) gained appeal (0.70 → 0.72, and on the
    burst crop 0.74 → 0.84). Appeal reads them at mid-grey: brightness is exposure's."""
    p = load("sony_rx100m4_elephants.jpg")
    base = analyzer.analyze(p)
    bright = analyzer.analyze(d.variant(p, d.exposure(p.preview, 0.75), "ev0.75"))
    assert bright.measurements["clip_highlights"] > 0.01  # the premise: brighter, a little blown
    assert bright.attributes["visual_appeal"] < base.attributes["visual_appeal"]


@pytest.mark.parametrize("ev", [-0.5, 0.25])
def test_colour_and_contrast_at_mid_grey_do_not_move_with_exposure(load: Loader, ev: float) -> None:
    """Without clipping, an exposure change scales every gamma-encoded value alike; the
    mid-grey readings must stay put while the raw ones move with it."""
    p = load("sony_rx100m4_elephants.jpg")
    base = measure_colour(make_frame(p.preview))
    moved = measure_colour(make_frame(d.exposure(p.preview, ev)))
    assert abs(moved.contrast / base.contrast - 1.0) > 0.08  # the premise: raw values move
    assert moved.contrast_mid == pytest.approx(base.contrast_mid, rel=0.03)
    assert moved.colourfulness_mid == pytest.approx(base.colourfulness_mid, rel=0.03)


@pytest.mark.parametrize("name", ["casio_qvr51_l01.jpg", "casio_qvr51_l02.jpg"])
def test_a_blown_sky_pulled_down_to_grey_is_not_better_exposed(
    analyzer: LocalAnalyzer, load: Loader, name: str
) -> None:
    """A third of the frame is sky clipped in a channel. Darkened, that sky becomes a flat
    grey plateau, no detail recovered; judged on the mid-tones alone the −1 EV copy of
    casio_qvr51_l01 scored better exposed (0.65 against 0.62). The plateau must be found
    at any level: with the pile-up floor at 150, the −2 EV copies (plateau near 135)
    escaped the charge and scored above the −1 EV ones (l02: 0.50 against 0.46)."""
    p = load(name)
    scores = [analyzer.analyze(p).attributes["exposure_balance"]]
    for ev in (-1.0, -2.0, -3.0):
        res = analyzer.analyze(d.variant(p, d.exposure(p.preview, ev), f"ev{ev}"))
        scores.append(res.attributes["exposure_balance"])
    assert all(a > b for a, b in itertools.pairwise(scores)), scores
