"""Where the subject is: faces first, else the spectral-residual saliency peak.

Spectral residual saliency (Hou & Zhang 2007, ``cv2.saliency``, no weights) costs ~1 ms
on the small frame. The subject box is the bounding box of the strongest saliency blob
(top 12% of the smoothed map, largest saliency mass); its saliency-weighted centroid is
the subject position used by composition.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from photo_score.inference.local.faces import Face
from photo_score.inference.local.frame import F32, Frame

_local = threading.local()


def _saliency_engine() -> Any:
    """One engine per thread; OpenCV saliency objects keep internal buffers."""
    eng = getattr(_local, "sr", None)
    if eng is None:
        eng = cv2.saliency.StaticSaliencySpectralResidual_create()  # type: ignore[attr-defined]
        _local.sr = eng
    return eng


@dataclass(frozen=True, slots=True)
class Subject:
    kind: str  # "face" or "salient" or "none"
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the frame
    cx: float  # centroid, fractions
    cy: float
    saliency_ratio: float  # mean saliency inside the box / outside
    saliency: F32  # the small-frame saliency map (0..1)

    @property
    def area(self) -> float:
        x0, y0, x1, y1 = self.box
        return max(0.0, x1 - x0) * max(0.0, y1 - y0)


def saliency_map(frame: Frame) -> F32:
    ok, sal = _saliency_engine().computeSaliency(frame.small_gray8)
    if not ok:
        return np.zeros(frame.small_gray8.shape, np.float32)
    sal = cv2.GaussianBlur(sal.astype(np.float32), (0, 0), 3)
    peak = float(sal.max())
    out: F32 = (sal / peak).astype(np.float32) if peak > 0 else sal.astype(np.float32)
    return out


def _ratio(sal: F32, box: tuple[int, int, int, int]) -> float:
    x0, y0, x1, y1 = box
    inside = sal[y0:y1, x0:x1]
    total = float(sal.sum())
    n_in = inside.size
    n_out = sal.size - n_in
    if n_in == 0 or n_out <= 0:
        return 1.0
    mean_in = float(inside.sum()) / n_in
    mean_out = (total - float(inside.sum())) / n_out
    return mean_in / max(mean_out, 1e-4)


def find_subject(frame: Frame, faces: list[Face]) -> Subject:
    sal = saliency_map(frame)
    h, w = sal.shape
    if faces:
        big = faces[0].area
        group = [f for f in faces if f.area >= 0.3 * big]
        x0 = min(f.x for f in group)
        y0 = min(f.y for f in group)
        x1 = max(f.x + f.w for f in group)
        y1 = max(f.y + f.h for f in group)
        fw, fh = float(frame.width), float(frame.height)
        box = (x0 / fw, y0 / fh, x1 / fw, y1 / fh)
        sbox = (
            int(box[0] * w),
            int(box[1] * h),
            int(np.ceil(box[2] * w)),
            int(np.ceil(box[3] * h)),
        )
        return Subject(
            "face", box, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2, _ratio(sal, sbox), sal
        )
    if float(sal.max()) <= 0:
        return Subject("none", (0.0, 0.0, 1.0, 1.0), 0.5, 0.5, 1.0, sal)
    thr = float(np.quantile(sal, 0.88))
    mask = (sal >= thr).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return Subject("none", (0.0, 0.0, 1.0, 1.0), 0.5, 0.5, 1.0, sal)
    masses = np.bincount(labels.ravel(), weights=sal.ravel(), minlength=n)
    masses[0] = 0.0
    best = int(np.argmax(masses))
    x, y, bw, bh = (int(v) for v in stats[best][:4])
    ys, xs = np.nonzero(labels == best)
    wts = sal[ys, xs]
    cx = float((xs * wts).sum() / wts.sum() + 0.5) / w
    cy = float((ys * wts).sum() / wts.sum() + 0.5) / h
    box = (x / w, y / h, (x + bw) / w, (y + bh) / h)
    return Subject("salient", box, cx, cy, _ratio(sal, (x, y, x + bw, y + bh)), sal)
