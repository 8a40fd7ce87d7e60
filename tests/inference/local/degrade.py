"""Degradations and painted fixtures applied to previews (what the analyzer sees)."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from photo_score.ingest.prepared import PreparedPhoto

Img = npt.NDArray[np.uint8]


def variant(photo: PreparedPhoto, pixels: Img, tag: str) -> PreparedPhoto:
    return PreparedPhoto(f"{photo.image_id}:{tag}", photo.path, photo.metadata, pixels)


def gaussian(a: Img, sigma: float) -> Img:
    out: Img = cv2.GaussianBlur(a, (0, 0), sigma)
    return out


def motion(a: Img, length: int, angle: float) -> Img:
    k = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1.0
    rot = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), angle, 1.0)
    k = cv2.warpAffine(k, rot, (length, length))
    out: Img = cv2.filter2D(a, -1, k / k.sum(), borderType=cv2.BORDER_REFLECT)
    return out


def noise(a: Img, sigma: float, seed: int = 0) -> Img:
    rng = np.random.default_rng(seed)
    return np.clip(a + rng.normal(0.0, sigma, a.shape), 0, 255).astype(np.uint8)


def exposure(a: Img, ev: float) -> Img:
    lin = (a.astype(np.float32) / 255.0) ** 2.2 * (2.0**ev)
    return (np.clip(lin, 0.0, 1.0) ** (1 / 2.2) * 255.0 + 0.5).astype(np.uint8)


def jpeg(a: Img, quality: int) -> Img:
    ok, buf = cv2.imencode(
        ".jpg", np.ascontiguousarray(a[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    assert ok
    return np.ascontiguousarray(cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1])


def tilt(a: Img, deg: float, crop_for: float | None = None) -> Img:
    """Turned ``deg`` and zoomed so no empty corner shows; ``crop_for``: zoom as for a turn
    of this many degrees instead (one crop for a series of turns, as in a burst)."""
    h, w = a.shape[:2]
    t = np.radians(abs(deg if crop_for is None else crop_for))
    zoom = max((w * np.cos(t) + h * np.sin(t)) / w, (w * np.sin(t) + h * np.cos(t)) / h)
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), deg, zoom)
    out: Img = cv2.warpAffine(a, rot, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return out


def shift(a: Img, dx: float, dy: float) -> Img:
    """Sub-pixel translation, edges reflected (a hand-held burst's frame-to-frame jitter)."""
    h, w = a.shape[:2]
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    out: Img = cv2.warpAffine(a, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return out


def close_eyes(a: Img, box: tuple[int, int, int, int]) -> Img:
    """Paint shut eyelids over both eyes of a face box: skin-coloured lids plus a crease.

    The lid colour is the median of the cheeks, the crease a darker arc; eye positions
    follow standard face proportions (eye line at 40% of the face height).
    """
    x, y, w, _ = box
    s = w / 96.0
    out = a.copy()
    cheek = np.median(
        a[y + int(58 * s) : y + int(75 * s), x + int(25 * s) : x + int(71 * s)].reshape(-1, 3),
        axis=0,
    )
    skin = tuple(int(v) for v in cheek)
    crease = tuple(int(v * 0.6) for v in cheek)
    for x0 in (14, 52):
        cx, cy = x + int((x0 + 15) * s), y + int(40 * s)
        cv2.ellipse(out, (cx, cy), (int(14 * s), int(8 * s)), 0, 0, 360, skin, -1)
        cv2.ellipse(
            out, (cx, cy + int(s)), (int(12 * s), int(3 * s)), 0, 0, 180, crease, max(1, int(s))
        )
    return out
