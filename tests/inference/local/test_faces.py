"""Faces and eyes on real portraits, none on a landscape, painted closed-eye fixtures.

No photo with closed eyes ships in any package, so the closed-eye cases are the real
portraits with eyelids painted over (see degrade.close_eyes).
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from photo_score.inference.local import LocalAnalyzer, faces
from photo_score.inference.local.frame import SMALL_EDGE, Frame, make_frame
from photo_score.ingest.prepared import PreparedPhoto
from tests.inference.local import degrade as d

Loader = Callable[[str], PreparedPhoto]


@pytest.mark.parametrize("name", ["hopper.jpg", "messi5.jpg"])
def test_faces_found_on_portraits(analyzer: LocalAnalyzer, load: Loader, name: str) -> None:
    res = analyzer.analyze(load(name))
    faces = res.features["faces"]
    assert len(faces) == 1
    assert res.features["human_presence"] in ("main_subject", "secondary")
    assert faces[0]["kind"] == "frontal"


def test_face_box_is_on_the_face(analyzer: LocalAnalyzer, load: Loader) -> None:
    res = analyzer.analyze(load("hopper.jpg"))
    x, y, w, h = res.features["faces"][0]["box"]
    cx, cy = x + w / 2, y + h / 2
    assert 50 < cx < 80
    assert 35 < cy < 60  # Hopper's face in the 128 px portrait


@pytest.mark.parametrize(
    "name", ["iphone6_leuven_a.jpg", "minolta_z5_wood.jpg", "canon_400d_storm.jpg"]
)
def test_no_faces_on_landscapes(analyzer: LocalAnalyzer, load: Loader, name: str) -> None:
    res = analyzer.analyze(load(name))
    assert res.features["faces"] == []
    assert res.features["human_presence"] == "none"


@pytest.mark.parametrize("name", ["hopper.jpg", "messi5.jpg"])
def test_painted_closed_eyes_score_lower(analyzer: LocalAnalyzer, load: Loader, name: str) -> None:
    p = load(name)
    open_res = analyzer.analyze(p)
    box = open_res.features["faces"][0]["box"]
    closed = analyzer.analyze(d.variant(p, d.close_eyes(p.preview, tuple(box)), "closed"))
    assert closed.features["faces"], "the face must still be found with eyelids painted"
    e_open = open_res.features["faces"][0]["eyes_open"]
    e_closed = closed.features["faces"][0]["eyes_open"]
    assert e_open is not None
    assert e_closed is not None
    assert e_closed < e_open - 0.05, (e_open, e_closed)


def _enlarged_hopper(load: Loader, factor: int = 3) -> np.ndarray:
    """Hopper's 128 px portrait enlarged so its face is wider than the eye-evidence rule's
    minimum (no large real face ships in the packages)."""
    p = load("hopper.jpg").preview
    h, w = p.shape[:2]
    return np.asarray(cv2.resize(p, (w * factor, h * factor), interpolation=cv2.INTER_CUBIC))


def test_a_box_with_nothing_of_a_face_where_its_eyes_should_be_is_dropped(
    load: Loader, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The frontal cascade fired on featureless skin-toned bokeh in a leaf photo; a box
    whose eye bands hold nothing darker than its skin is no face. The same box on a
    real face, eyes open or painted shut, is kept."""
    big = _enlarged_hopper(load)
    photo = d.variant(load("hopper.jpg"), big, "x3")
    found = faces.detect_faces(_frame(photo))
    assert len(found) == 1
    assert found[0].w >= faces._EYE_EVIDENCE_WIDTH
    box = (found[0].x, found[0].y, found[0].w, found[0].h)
    # The cascade reports that box whatever the pixels: only the eye test can drop it.
    scale = _frame(photo).scale
    small_box = tuple(round(v * scale) for v in box)
    monkeypatch.setattr(
        faces, "_detect", lambda gray, kind: [small_box] if kind == "frontal" else []
    )
    cheek = np.median(
        big[box[1] + box[3] * 2 // 3, box[0] + box[2] // 3 : box[0] + box[2] * 2 // 3], axis=0
    )
    blob = big.copy()
    x, y, w, h = box
    blob[y : y + h, x : x + w] = cv2.GaussianBlur(np.full((h, w, 3), cheek, np.uint8), (0, 0), 2)
    shut = d.close_eyes(big, box)
    assert faces.detect_faces(_frame(d.variant(photo, blob, "blob"))) == []
    assert len(faces.detect_faces(_frame(d.variant(photo, big, "open")))) == 1
    kept = faces.detect_faces(_frame(d.variant(photo, shut, "shut")))
    assert len(kept) == 1
    assert kept[0].eyes_open is not None


def _frame(photo: PreparedPhoto) -> Frame:
    return make_frame(photo.preview, photo.reduced(SMALL_EDGE))


def test_cascades_search_only_near_skin() -> None:
    """Texture far from any skin-toned pixel is flattened before the cascades run (it
    cannot hold a face that passes the skin check, and it is where Haar spends its time);
    a face's surroundings within reach of skin are searched as they are."""
    rng = np.random.default_rng(3)
    gray = rng.integers(0, 256, (120, 160), dtype=np.uint8)
    mask = np.zeros_like(gray)
    mask[50:70, 70:90] = 255
    out = faces._search_frame(gray, mask)
    reach = faces._SKIN_REACH
    near = (slice(50 - reach, 70 + reach), slice(70 - reach, 90 + reach))
    assert np.array_equal(out[near], gray[near])
    far = np.ones(gray.shape, bool)
    far[50 - reach - 1 : 70 + reach + 1, 70 - reach - 1 : 90 + reach + 1] = False
    assert np.unique(out[far]).size == 1
    assert abs(int(out[0, 0]) - int(gray.mean())) <= 1
    # Monochrome frames have no skin mask: searched whole.
    assert faces._search_frame(gray, None) is gray


def test_scattered_skin_toned_specks_are_not_searched() -> None:
    """Specks of skin tone (wood grain, sand) cannot hold a face whose centre is 20% skin,
    so their surroundings are flattened too; a face-sized patch keeps its reach."""
    rng = np.random.default_rng(4)
    gray = rng.integers(0, 256, (120, 160), dtype=np.uint8)
    mask = np.zeros_like(gray)
    mask[::9, ::9] = 255  # 1.2% of the pixels, none with skin around it
    out = faces._search_frame(gray, mask)
    assert np.unique(out).size == 1
    mask[50:70, 70:90] = 255  # a face's worth of skin among the specks
    out = faces._search_frame(gray, mask)
    reach = faces._SKIN_REACH
    near = (slice(50 - reach, 70 + reach), slice(70 - reach, 90 + reach))
    assert np.array_equal(out[near], gray[near])
    assert np.unique(out[:30, :40]).size == 1  # specks far from the patch: flat


def test_the_skin_gate_keeps_every_face_on_the_real_photos(load: Loader) -> None:
    """Dropping the specks changes no face found: the search frame with and without them
    gives the same boxes on the portraits and on skin-toned scenes."""
    from photo_score.inference.local.frame import make_frame

    for name in ("messi5.jpg", "hopper.jpg", "canon_s40_flower.jpg", "canon_rebel_dune.jpg"):
        photo = load(name)
        frame = make_frame(photo.preview, photo.reduced(384))
        mask = faces.skin_mask(frame.small_rgb)
        reach = np.ones((2 * faces._SKIN_REACH + 1,) * 2, np.uint8)
        every = frame.small_gray8.copy()
        every[cv2.dilate(mask, reach) == 0] = int(cv2.mean(frame.small_gray8)[0])
        gated = faces._search_frame(frame.small_gray8, mask)
        assert sorted(map(tuple, faces._detect(every, "frontal"))) == sorted(
            map(tuple, faces._detect(gated, "frontal"))
        ), name
