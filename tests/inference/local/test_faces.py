"""Faces and eyes on real portraits, none on a landscape, painted closed-eye fixtures.

No photo with closed eyes ships in any package, so the closed-eye cases are the real
portraits with eyelids painted over (see degrade.close_eyes).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from photo_score.inference.local import LocalAnalyzer
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
