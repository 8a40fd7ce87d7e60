"""Unjudgeable input, determinism, thread safety, the result contract."""

from __future__ import annotations

import typing
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from photo_score.inference.base import Analyzer
from photo_score.inference.local import VERSION, LocalAnalyzer
from photo_score.inference.schemas import FeaturesReply
from photo_score.ingest.decode import prepare_photo
from photo_score.ingest.prepared import PreparedPhoto
from photo_score.models import ATTRIBUTES, PhotoMetadata
from tests.inference.local import degrade
from tests.inference.local.degrade import variant

Loader = Callable[[str], PreparedPhoto]


def _photo(pixels: np.ndarray, name: str = "synthetic") -> PreparedPhoto:
    return PreparedPhoto(name, name, PhotoMetadata(), pixels.astype(np.uint8))


def test_identity() -> None:
    a = LocalAnalyzer()
    assert isinstance(a, Analyzer)
    assert (a.name, a.model, a.version) == ("local", "heuristic", VERSION)


def test_blank_frame_has_low_confidence_and_says_why(analyzer: LocalAnalyzer) -> None:
    res = analyzer.analyze(_photo(np.full((600, 800, 3), 128)))
    assert res.confidence is not None
    assert res.confidence < 0.2
    assert "blank" in res.notes["confidence"]
    assert set(res.attributes) == set(ATTRIBUTES)


def test_tiny_frame_has_low_confidence_and_says_why(analyzer: LocalAnalyzer, load: Loader) -> None:
    tiny = load("messi5.jpg").preview[::8, ::8]  # 43×69 px of a real photo
    res = analyzer.analyze(_photo(np.ascontiguousarray(tiny)))
    assert res.confidence is not None
    assert res.confidence < 0.2
    assert "tiny" in res.notes["confidence"]


@pytest.mark.parametrize("shape", [(1, 1), (8, 8), (15, 200), (3, 400), (400, 2), (16, 1024)])
def test_frames_too_small_to_measure_say_so_instead_of_crashing(
    analyzer: LocalAnalyzer, shape: tuple[int, int]
) -> None:
    """Until 1.6 an icon or a sliver crashed the analyzer (the tile grid and the 8×8 noise
    blocks do not fit), so the photo failed with an internal error."""
    h, w = shape
    pixels = np.random.default_rng(h * 1000 + w).integers(0, 256, (h, w, 3))
    res = analyzer.analyze(_photo(pixels))
    assert res.confidence == 0.0
    assert f"{w}×{h} px" in res.notes["confidence"]
    assert res.attributes == dict.fromkeys(ATTRIBUTES, 0.0)
    assert all("not measured" in res.notes[a] for a in ATTRIBUTES)


def _degenerate(kind: str, h: int, w: int) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    planes = {
        "noise": np.random.default_rng(h + w).integers(0, 256, (h, w)),
        "black": np.zeros((h, w)),
        "white": np.full((h, w), 255),
        "checker": ((yy // 4 + xx // 4) % 2) * 255,
        "gradient": xx * 255 // max(w - 1, 1),
        "half clipped": np.where(xx < w // 2, 255, 0),
    }
    return np.repeat(planes[kind][..., None], 3, axis=2)


@pytest.mark.parametrize("shape", [(16, 16), (17, 64), (64, 17), (24, 1024), (1024, 40)])
@pytest.mark.parametrize("kind", ["noise", "black", "white", "checker", "gradient", "half clipped"])
def test_degenerate_frames_get_scores_in_range(
    analyzer: LocalAnalyzer, shape: tuple[int, int], kind: str
) -> None:
    """Small, narrow, flat, clipped or synthetic frames: never a crash, never a NaN."""
    res = analyzer.analyze(_photo(_degenerate(kind, *shape)))
    assert set(res.attributes) == set(ATTRIBUTES)
    assert all(0.0 <= v <= 1.0 for v in res.attributes.values()), res.attributes
    assert res.confidence is not None
    assert 0.0 <= res.confidence <= 0.6


def test_the_smallest_measurable_frame_is_measured(analyzer: LocalAnalyzer) -> None:
    pixels = np.random.default_rng(16).integers(0, 256, (16, 16, 3))
    res = analyzer.analyze(_photo(pixels))
    assert res.confidence is not None
    assert 0.0 < res.confidence < 0.2
    assert "tiny" in res.notes["confidence"]
    assert not any("not measured" in res.notes[a] for a in ATTRIBUTES)


def test_real_blank_exif_carrier(analyzer: LocalAnalyzer, load: Loader) -> None:
    """piexif's r_sony.jpg: a real camera file whose pixels are a flat 80×80 blue."""
    res = analyzer.analyze(load("sony_rx1r.jpg"))
    assert res.confidence is not None
    assert res.confidence < 0.2
    assert "blank" in res.notes["confidence"]


def test_screenshot_like_graphic_has_low_confidence(analyzer: LocalAnalyzer) -> None:
    import cv2

    img = np.full((700, 1000, 3), 245, np.uint8)
    cv2.rectangle(img, (0, 0), (1000, 60), (40, 60, 120), -1)
    cv2.rectangle(img, (40, 120), (460, 620), (220, 220, 230), -1)
    for i in range(12):
        cv2.putText(
            img,
            f"Settings item {i}",
            (520, 140 + 40 * i),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.8,
            (20, 20, 20),
            2,
        )
    res = analyzer.analyze(_photo(img))
    assert res.confidence is not None
    assert res.confidence <= 0.25
    assert "screenshot" in res.notes["confidence"]


SCREENSHOTS = sorted((Path(__file__).resolve().parents[3] / "docs" / "screenshots").glob("*.png"))


@pytest.mark.parametrize("shot", SCREENSHOTS, ids=lambda p: p.name)
def test_real_screenshots_of_the_app_are_not_judged_as_photos(
    analyzer: LocalAnalyzer, shot: Path
) -> None:
    """Chromium captures of photo-score's own pages. Until 1.10 the ones showing photo
    thumbnails or a photo (library, scoring, viewer: 5–9% distinct colours) passed as
    photographs at full confidence."""
    res = analyzer.analyze(prepare_photo(str(shot), shot.stem))
    assert res.confidence is not None
    assert res.confidence <= 0.25
    assert "screenshot" in res.notes["confidence"]


def test_the_app_screenshots_are_all_there() -> None:
    assert len(SCREENSHOTS) >= 6


@pytest.mark.parametrize(
    ("name", "sigma"), [("minolta_z5_wood.jpg", 3.0), ("canon_sx210_defocus.jpg", 5.0)]
)
def test_a_blurred_near_monochrome_photo_is_not_called_a_screenshot(
    analyzer: LocalAnalyzer, load: Loader, name: str, sigma: float
) -> None:
    """Blur leaves few distinct colours in a wood grain or a grey page (< 5% per pixel,
    the 1.9 test), but its gradients still spread over many levels."""
    photo = load(name)
    res = analyzer.analyze(variant(photo, degrade.gaussian(photo.preview, sigma), "blur"))
    assert "screenshot" not in res.notes.get("confidence", "")


def test_a_photo_compressed_to_flat_blocks_says_it_may_be_one(
    analyzer: LocalAnalyzer, load: Loader
) -> None:
    photo = load("canon_sx210_defocus.jpg")
    res = analyzer.analyze(variant(photo, degrade.jpeg(photo.preview, 5), "q5"))
    assert res.confidence is not None
    assert res.confidence <= 0.25
    assert "compressed until its blocks are flat" in res.notes["confidence"]


@pytest.mark.parametrize("name", ["iphone6_leuven_a.jpg", "messi5.jpg", "canon_rebel_dune.jpg"])
def test_real_photos_are_judged_with_normal_confidence(
    analyzer: LocalAnalyzer, load: Loader, name: str
) -> None:
    res = analyzer.analyze(load(name))
    assert res.confidence is not None
    assert res.confidence >= 0.5
    assert "confidence" not in res.notes


def test_deterministic(analyzer: LocalAnalyzer, load: Loader) -> None:
    p = load("messi5.jpg")
    a, b = analyzer.analyze(p), analyzer.analyze(p)
    assert a.attributes == b.attributes
    assert a.measurements == b.measurements
    assert a.features == b.features
    assert a.notes == b.notes


def test_thread_safe(load: Loader) -> None:
    names = ["messi5.jpg", "hopper.jpg", "iphone6_leuven_a.jpg", "canon_rebel_dune.jpg"] * 3
    photos = [load(n) for n in names]
    solo = LocalAnalyzer()
    expected = [solo.analyze(p).attributes for p in photos]
    shared = LocalAnalyzer()
    with ThreadPoolExecutor(max_workers=2) as pool:
        got = list(pool.map(lambda p: shared.analyze(p).attributes, photos))
    assert got == expected


def test_notes_quote_measured_figures_and_provenance(analyzer: LocalAnalyzer, load: Loader) -> None:
    res = analyzer.analyze(load("canon_rebel_t6.jpg"))
    for attr in ATTRIBUTES:
        assert res.notes[attr], attr
        assert any(ch.isdigit() for ch in res.notes[attr]), res.notes[attr]
    assert "local estimate" in res.notes["provenance"]
    assert all(f"confidence_{a}" in res.measurements for a in ATTRIBUTES)


def test_overexposure_note_names_clipped_share(analyzer: LocalAnalyzer, load: Loader) -> None:
    from tests.inference.local import degrade as d

    p = load("iphone6_leuven_a.jpg")
    res = analyzer.analyze(d.variant(p, d.exposure(p.preview, 2.0), "ev2"))
    assert "highlights clipped on" in res.notes["exposure_balance"]
    assert "overexposed" in res.features["technical_issues"]


# Where the pixels cannot tell, the local analyzer says "unknown" (see features.py);
# everything else must be a value the vision contract itself allows.
_LOCAL_UNKNOWN = {"subject_position", "depth_of_field", "scene_type", "time_of_day"}


def _contract_values(key: str) -> set[str]:
    args = typing.get_args(FeaturesReply.model_fields[key].annotation)
    return set(args) | ({"unknown"} if key in _LOCAL_UNKNOWN else set())


def test_features_use_the_vision_enumerations(analyzer: LocalAnalyzer, load: Loader) -> None:
    keys = (
        "subject_position",
        "depth_of_field",
        "lighting",
        "color_palette",
        "human_presence",
        "background",
        "time_of_day",
        "scene_type",
    )
    issues = set(
        typing.get_args(
            typing.get_args(FeaturesReply.model_fields["technical_issues"].annotation)[0]
        )
    )
    for name in ("messi5.jpg", "iphone6_leuven_a.jpg", "canon_sx210_motion.jpg", "xiaomi.heic"):
        f = analyzer.analyze(load(name)).features
        for key in keys:
            assert f[key] in _contract_values(key), (name, key, f[key])
        assert set(f["technical_issues"]) <= issues


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        ("06:10", "dawn"),
        ("09:30", "morning"),
        ("15:00", "afternoon"),
        ("18:40", "dusk"),
        ("23:05", "night"),
    ],
)
def test_every_hour_maps_to_a_contract_time_of_day(
    analyzer: LocalAnalyzer, load: Loader, clock: str, expected: str
) -> None:
    """The EXIF clock names a time of day the vision path also uses (no "evening")."""
    p = load("iphone6_leuven_a.jpg")  # a bright daylight frame: no daytime name is vetoed
    # No exposure settings, so the light cannot veto the "night" hour either.
    meta = p.metadata.model_copy(
        update={"capture_time": f"2024-06-01T{clock}:00", "exposure_time": None}
    )
    f = analyzer.analyze(PreparedPhoto(p.image_id, p.path, meta, p.preview)).features
    assert f["time_of_day"] == expected
    assert f["time_of_day"] in _contract_values("time_of_day")


def test_time_of_day_from_exif(analyzer: LocalAnalyzer, load: Loader) -> None:
    p = load("iphone6_leuven_a.jpg")  # 13:46 local time, daylight
    assert analyzer.analyze(p).features["time_of_day"] == "midday"


def test_a_night_hour_with_a_daylight_exposure_is_a_wrong_clock(
    analyzer: LocalAnalyzer, load: Loader
) -> None:
    """casio_qvr51_l01: a sunlit church whose camera clock says 23:39 (1/250 s at f/6.2,
    light value 13.2). moto_ela: a dim room at night (1/15 s, f/2, ISO 1000: 2.6)."""
    church = analyzer.analyze(load("casio_qvr51_l01.jpg"))
    assert church.features["time_of_day"] == "unknown"
    room = analyzer.analyze(load("moto_ela_original.jpg"))
    assert room.features["time_of_day"] == "night"


def test_a_long_exposure_of_a_dark_scene_is_low_light(
    analyzer: LocalAnalyzer, load: Loader
) -> None:
    """The rendering can be bright after 8 s; the exposure says how dark the scene was."""
    p = load("iphone6_leuven_a.jpg")  # daylight as shot: natural light
    assert analyzer.analyze(p).features["lighting"].startswith("natural")
    night = p.metadata.model_copy(update={"exposure_time": 8.0, "f_number": 5.6, "iso": 200})
    res = analyzer.analyze(PreparedPhoto(p.image_id, p.path, night, p.preview))
    assert res.features["lighting"] == "low_light"


def test_read_only_preview_is_not_modified(analyzer: LocalAnalyzer, load: Loader) -> None:
    p = load("messi5.jpg")
    before = p.preview.copy()
    assert not p.preview.flags.writeable
    analyzer.analyze(p)
    assert np.array_equal(before, p.preview)


def test_a_frame_too_small_to_measure_claims_nothing_about_its_content(
    analyzer: LocalAnalyzer,
) -> None:
    """Until 1.8 an icon's features said "no people" and "no technical issues", which the
    personality statistics counted as a clean photo with nobody in it."""
    res = analyzer.analyze(_photo(np.full((8, 8, 3), 128, np.uint8)))
    assert "human_presence" not in res.features
    assert "technical_issues" not in res.features
    known = {k: v for k, v in res.features.items() if k != "faces"}
    assert set(known.values()) == {"unknown"}, res.features


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("canon_400d_storm.jpg", "held back by a soft subject (sharpness 0."),
        ("iphone6_leuven_a.jpg", "held back by a background as sharp as the subject (ratio 1."),
        ("messi5.jpg", "isolated by focus: 1."),
    ],
)
def test_subject_note_says_what_holds_the_subject_back(
    analyzer: LocalAnalyzer, load: Loader, name: str, expected: str
) -> None:
    """Until 1.10 the note quoted only the saliency lead, so the storm, which 'stands out
    12.3×', scored 0.36 on subject strength with no reason given: its subject is soft."""
    res = analyzer.analyze(load(name))
    assert expected in res.notes["subject_strength"], res.notes["subject_strength"]
    if "held back" in expected:
        assert res.attributes["subject_strength"] < 0.6


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("iphone6_leuven_a.jpg", "subject crowds the frame edge (within 4% of the border)"),
        ("canon_400d_storm.jpg", "blur weakens it (sharpness 0."),
    ],
)
def test_composition_note_names_edge_crowding_and_blur(
    analyzer: LocalAnalyzer, load: Loader, name: str, expected: str
) -> None:
    """Both cost composition points before 1.10 without a word: a subject near (not yet
    touching) an edge is scored softly from 4% in, and blur scales composition down."""
    res = analyzer.analyze(load(name))
    assert expected in res.notes["composition"], res.notes["composition"]


def test_appeal_note_names_the_technical_flaws_that_dull_it(
    analyzer: LocalAnalyzer, load: Loader
) -> None:
    """Appeal is scaled down by blur, grain and poor exposure; until 1.10 the note quoted
    only colour and contrast, so a grainy, soft copy of messi5 read 'colourfulness 55,
    harmony 71%' beside an appeal of 0.51."""
    p = load("messi5.jpg")
    res = analyzer.analyze(variant(p, degrade.noise(p.preview, 24.0), "grain"))
    note = res.notes["visual_appeal"]
    assert "dulled by" in note, note
    assert "grain" in note, note
    clean = analyzer.analyze(p).notes["visual_appeal"]
    assert "dulled by" not in clean, clean


def test_exposure_note_names_what_holds_the_score_down(
    analyzer: LocalAnalyzer, load: Loader
) -> None:
    """The exposure score is min-weighted; until 1.10 the note did not name a limiting
    headroom or highlight-texture part. casio_qvr51_l01 scored 0.62 on 'median 78%, a
    channel clipped on 34%'; its limit is the texture left in its brightest tones."""
    res = analyzer.analyze(load("casio_qvr51_l01.jpg"))
    assert res.attributes["exposure_balance"] < 0.8
    assert "the brightest tones keep little texture" in res.notes["exposure_balance"]
