"""Faces and eyes with OpenCV's bundled Haar cascades (no download, no extra wheel).

Haar is the costliest step of the analyzer (median 24 ms, up to ~60, on a 384 px frame
here), so it is skipped when the frame holds no skin-tone pixels (YCrCb box, a classic
prior; monochrome frames are always searched) and runs with a coarse 1.2 scale step. The
profile cascade (both directions, by mirroring, at half scale) runs only when no frontal
face was found and ≥ 5% of the frame is skin-toned. In colour frames a box must also show
skin (see ``_is_face``), so the cascades search a copy in which everything farther than
12 px from skin dense enough to make a face is flattened to grey (see ``_search_frame``
and ``_face_dense_skin``). Region-gated search
(cropping to skin blobs) was tried and dropped: skin blobs in crowds and on stone merge
unpredictably and lost the small face in messi5.jpg.

Eyes: for each face, the eye cascade runs on the upper half of the face at a fixed
96 px face width, and a pixel test looks for a dark pupil/iris blob in each expected eye
position (an open eye has a compact spot much darker than the surrounding skin; a shut
eyelid is skin-coloured with a thin crease). ``eyes_open`` blends both. No real
closed-eye photo ships in any package, so this was tuned on painted-eyelid fixtures
(tests/inference/local) and is an estimate, not a blink detector.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import cv2
import numpy as np

from photo_score.inference.local.frame import U8, Frame

_CASCADES = {
    "frontal": "haarcascade_frontalface_alt2.xml",
    "profile": "haarcascade_profileface.xml",
    "eye": "haarcascade_eye.xml",
}
_local = threading.local()


def _cascade(name: str) -> cv2.CascadeClassifier:
    """One classifier per thread: CascadeClassifier is not documented as thread-safe."""
    cache: dict[str, cv2.CascadeClassifier] | None = getattr(_local, "cascades", None)
    if cache is None:
        cache = {}
        _local.cascades = cache
    clf = cache.get(name)
    if clf is None:
        path = str(cv2.data.haarcascades) + _CASCADES[name]  # type: ignore[attr-defined]
        clf = cv2.CascadeClassifier(path)
        if clf.empty():
            raise RuntimeError(f"OpenCV cascade {path} missing (opencv-contrib < 5 needed)")
        cache[name] = clf
    return clf


@dataclass(frozen=True, slots=True)
class Face:
    x: int  # box in preview pixels
    y: int
    w: int
    h: int
    kind: str  # "frontal" or "profile"
    eyes_found: int
    eyes_open: float | None  # 0..1, None for profiles or faces too small to read

    @property
    def area(self) -> int:
        return self.w * self.h


def skin_mask(rgb: U8) -> U8:
    """Skin-tone pixels (YCrCb box of Chai & Ngan), lightly cleaned."""
    ycc = cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb)
    mask = cv2.inRange(ycc, (30, 133, 77), (250, 173, 127))
    out: U8 = np.asarray(
        cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)), np.uint8
    )
    return out


def _is_monochrome(rgb: U8) -> bool:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    return float(np.percentile(hsv[..., 1], 90)) < 25.0


_MIN_FACE_SKIN = 0.2  # share of skin-toned pixels a face box's centre must hold


def _is_face(mask: U8 | None, box: tuple[int, int, int, int]) -> bool:
    """Whether a cascade hit counts as a face: in a colour frame its centre must show skin.

    Haar's false positives on shirts and crowds mostly do not: on messi5 a 57 px box on
    the shoulder (7% skin-toned) came and went under 1 px shifts and, larger than the real
    face (88–100% skin), became the subject whenever it did. Monochrome frames have no
    colour to check. (Also accepting weakly voted boxes when mostly skin found messi5's
    face in two more shifts, but "found" a face in a pug's fawn fur.)
    """
    return mask is None or _inner_skin(mask, box) >= _MIN_FACE_SKIN


def _inner_skin(mask: U8, box: tuple[int, int, int, int]) -> float:
    """Share of skin-toned pixels in the central 60% of ``box`` (hair and background
    fill its rim)."""
    x, y, w, h = box
    inner = mask[int(y + 0.2 * h) : int(y + 0.8 * h) + 1, int(x + 0.2 * w) : int(x + 0.8 * w) + 1]
    return float(inner.mean()) / 255.0 if inner.size else 0.0


_SKIN_REACH = 12  # px on the detector frame: brows, eyes and hair a face window needs
_MIN_FACE = 22  # px on the detector frame: the smallest window the cascades try
# The centre of the smallest box, where ``_is_face`` looks for skin (its central 60%).
_MIN_CENTRE = round(0.6 * _MIN_FACE) | 1


def _face_dense_skin(mask: U8) -> U8:
    """The skin-toned pixels that could belong to a face ``_is_face`` would keep.

    A kept box holds ≥ ``_MIN_FACE_SKIN`` skin in its centre, and even the smallest box's
    centre is ``_MIN_CENTRE`` px wide, so a pixel counts only where the skin share of the
    window of that size around it reaches the same bar. Scattered skin-toned specks (wood
    grain, sand, brick) are dropped: on 24 MP tilings of wood and a street, 0.8% of the
    pixels were skin-toned yet their 12 px reach covered 18% of the frame, and the frontal
    pass took 7.1 ms there against 3.2 with the specks dropped, and all 86 analyzer outputs
    of the bench's photo sets stayed the same field for field.
    """
    k = (_MIN_CENTRE, _MIN_CENTRE)
    share = np.asarray(cv2.blur(mask, k), np.uint8)
    out: U8 = np.where(share >= round(255 * _MIN_FACE_SKIN), mask, np.uint8(0))
    return out


def _search_frame(gray: U8, mask: U8 | None) -> U8:
    """The frame the cascades search: far from skin that could make a face, flat grey.

    A box there could never pass ``_is_face`` (its centre must be 20% skin), but Haar
    still spends most of its time on such windows: textured stone, foliage and fabric
    pass the cascades' early stages. Flat, they are rejected at the first stage. On the
    bench's real photos this cut the frontal pass from 498 to 318 ms in all (−36%) with
    the same faces found (a box moves by 1–2 px at most on a large face); the reach
    keeps a face's brows, eyes and the rim of its window, which are not skin-toned.
    """
    if mask is None:
        return gray
    near = cv2.dilate(_face_dense_skin(mask), np.ones((2 * _SKIN_REACH + 1,) * 2, np.uint8))
    out = gray.copy()
    out[near == 0] = int(cv2.mean(gray)[0])
    return out


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union else 0.0


def _detect(gray: U8, kind: str) -> list[tuple[int, int, int, int]]:
    w = gray.shape[1]
    clf = _cascade(kind)
    step, size = 1.2, (_MIN_FACE, _MIN_FACE)
    hits = [tuple(int(v) for v in r) for r in clf.detectMultiScale(gray, step, 3, minSize=size)]
    if kind == "profile":
        flipped = np.asarray(cv2.flip(gray, 1), np.uint8)
        for r in clf.detectMultiScale(flipped, step, 3, minSize=size):
            x, y, bw, bh = (int(v) for v in r)
            hits.append((w - x - bw, y, bw, bh))
    return [(b[0], b[1], b[2], b[3]) for b in hits]


# With no eye found by the cascade, a box whose eye bands hold nothing darker than its skin
# (pixel score below this) is not a face: a featureless skin-toned blob, such as autumn
# bokeh, that the frontal cascade fired on. See detect_faces.
_MIN_EYE_EVIDENCE = 0.3
# Only from this face width (preview px): on smaller faces a little blur already erases
# the eyes (messi5's 40 px face under a 7 px motion streak: pixel test 0.04).
_EYE_EVIDENCE_WIDTH = 64


def eyes_open_score(face_gray: U8) -> tuple[int, float, float]:
    """``(eyes found by the cascade, pixel test 0..1, open-eye score 0..1)`` on a face crop.

    The score is the mean of the cascade's share (eyes found / 2) and the pixel test's;
    the pixel test is also returned on its own, as the eye-evidence check reads it.
    """
    face = cv2.resize(face_gray, (96, 96), interpolation=cv2.INTER_AREA)
    upper = face[14:58, :]
    eyes = _cascade("eye").detectMultiScale(upper, 1.1, 3, minSize=(12, 12), maxSize=(44, 44))
    found = min(2, len(eyes))
    # Pixel test: each expected eye box (left/right thirds of the eye band).
    skin = float(np.median(face[55:80, 25:71]))
    darkness = []
    for x0 in (14, 52):
        band = face[30:50, x0 : x0 + 30].astype(np.float32)
        smooth = cv2.GaussianBlur(band, (3, 3), 0)
        dark = float(np.percentile(smooth, 3))
        # An open eye: a dark spot several rows tall; a lid crease: one thin dark row.
        rows_dark = float(((smooth < (dark + skin) / 2).sum(axis=1) >= 3).sum())
        contrast = (skin - dark) / max(skin, 1.0)
        darkness.append(min(1.0, max(0.0, (contrast - 0.25) / 0.35)) * min(1.0, rows_dark / 6.0))
    pixel = float(np.mean(darkness))
    cascade = found / 2.0
    return found, pixel, 0.5 * cascade + 0.5 * pixel


def detect_faces(frame: Frame) -> list[Face]:
    """Faces in preview pixels, largest first."""
    small = frame.small_gray8
    raw: list[tuple[tuple[int, int, int, int], str]] = []
    # No colour to gate on in a monochrome frame: always search, keep every box.
    mask = None if _is_monochrome(frame.small_rgb) else skin_mask(frame.small_rgb)
    skin = 1.0 if mask is None else float(mask.mean()) / 255.0
    if skin < 0.002:  # no skin-coloured pixels at all: skip the costly cascades
        return []
    # Tried and not kept (1.2): a 320 px search (−28% CPU) and a 1.25 step. The first
    # lost messi5's face once its eyelids were painted over the box it found, the
    # second lost messi5's face outright.
    search = _search_frame(small, mask)
    raw = [(box, "frontal") for box in _detect(search, "frontal") if _is_face(mask, box)]
    if not raw and skin >= 0.05:
        # Profiles are searched at 1/2 scale (faces ≥ ~11% of the long edge): both
        # directions at 2/3 scale cost more than the frontal pass (438 against 378 ms over
        # the bench's photos), 1/2 halves that, and a side face smaller than that is rarely
        # the subject (the saliency subject still finds the person).
        f = 0.5
        low = np.asarray(
            cv2.resize(search, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), np.uint8
        )
        raw = [
            ((round(x / f), round(y / f), round(w / f), round(h / f)), "profile")
            for x, y, w, h in _detect(low, "profile")
        ]
        raw = [(box, kind) for box, kind in raw if _is_face(mask, box)]
    kept: list[tuple[tuple[int, int, int, int], str]] = []
    for box, kind in sorted(raw, key=lambda r: (r[1] != "frontal", -r[0][2] * r[0][3])):
        if all(_iou(box, k[0]) < 0.3 for k in kept):
            kept.append((box, kind))
    inv = 1.0 / frame.scale
    faces: list[Face] = []
    for (x, y, w, h), kind in kept:
        fx, fy, fw, fh = round(x * inv), round(y * inv), round(w * inv), round(h * inv)
        found, open_score = 0, None
        if kind == "frontal" and fw >= 40:
            crop = frame.gray8[fy : fy + fh, fx : fx + fw]
            found, pixel, score = eyes_open_score(crop)
            # No eye for the cascade and no dark eye spot or lid crease for the pixel test:
            # nothing of a face where its eyes should be. The frontal cascade fired on a
            # blob of autumn bokeh (139 and 155 px; pixel test 0.16 and 0.12) in a shifted
            # and a turned copy of a leaf photo; the subject became that "face", its focus
            # read as missed and the final score fell 16 points. Over 1,512 copies of the bench's
            # 43 photos (every degradation, six shifts) nothing else was dropped. Sharp
            # real faces read 0.82–1.0 and painted shut eyes 0.68; a small face under blur
            # can read as low as the bokeh, hence the width floor (_EYE_EVIDENCE_WIDTH).
            if found == 0 and pixel < _MIN_EYE_EVIDENCE and fw >= _EYE_EVIDENCE_WIDTH:
                continue
            open_score = score
        faces.append(Face(fx, fy, fw, fh, kind, found, open_score))
    faces.sort(key=lambda f: -f.area)
    return faces
