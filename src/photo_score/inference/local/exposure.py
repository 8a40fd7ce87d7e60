"""Exposure balance from the luminance distribution, with intent in mind.

Measured on gamma-encoded luma (what the eye and the histogram show). Penalties:
blown highlights (luma ≥ 250), crushed shadows (≤ 5), a median far from the mid-tones,
and a histogram that never reaches the bright end (the classic underexposure sign) or
never reaches the dark end (washed out). Intent: a frame whose median is dark but whose
brightest 1% still reach near-white is read as low-key (dark by choice, highlights
intact); a bright median with real dark tones and little clipping is high-key. Both keep
a good mid-tone score; an underexposed copy of a low-key frame loses its bright end and
so is still caught.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from photo_score.inference.local.calibration import curve
from photo_score.inference.local.frame import Frame


@dataclass(frozen=True, slots=True)
class ExposureReport:
    clip_hi: float  # fraction of pixels with luma ≥ 250
    clip_lo: float  # fraction with luma ≤ 5
    p1: float
    p50: float
    p99: float
    mean: float
    key: str  # "low-key", "high-key", "normal"
    score: float


def _percentiles(hist: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    cdf = np.cumsum(hist) / max(float(hist.sum()), 1.0)
    return [float(np.searchsorted(cdf, q)) for q in qs]


def measure_exposure(frame: Frame) -> ExposureReport:
    hist = cv2.calcHist([frame.gray8], [0], None, [256], [0, 256]).ravel()
    n = max(float(hist.sum()), 1.0)
    clip_hi = float(hist[250:].sum()) / n
    clip_lo = float(hist[:6].sum()) / n
    p1, p50, p99 = _percentiles(hist, (0.01, 0.5, 0.99))
    mean = float((hist * np.arange(256)).sum()) / n

    low_key = p50 < 80 and p99 >= 200 and clip_hi < 0.05
    high_key = p50 > 165 and p1 <= 110 and clip_hi < 0.08
    key = "low-key" if low_key else "high-key" if high_key else "normal"

    # Peaked, not flat: within the comfortable band a brighter or darker median still
    # moves the score a little, so a one-stop error never looks free.
    mid = curve(
        p50,
        [10, 30, 60, 95, 125, 150, 175, 200, 225, 245],
        [0.0, 0.2, 0.6, 0.93, 1.0, 0.95, 0.82, 0.55, 0.25, 0.05],
    )
    if low_key:
        mid = max(mid, curve(p50, [10, 30, 60], [0.3, 0.75, 1.0]))
    if high_key:
        mid = max(mid, curve(p50, [195, 225, 245], [1.0, 0.75, 0.35]))
    top = curve(p99, [40, 100, 150, 190, 215], [0.05, 0.3, 0.6, 0.9, 1.0])
    bottom = curve(p1, [60, 110, 160, 210], [1.0, 0.85, 0.5, 0.2])
    s_hi = curve(clip_hi, [0.003, 0.02, 0.06, 0.15, 0.35], [1.0, 0.85, 0.55, 0.25, 0.05])
    lo_anchor = [0.02, 0.08, 0.2, 0.4, 0.7] if not low_key else [0.06, 0.15, 0.3, 0.5, 0.8]
    s_lo = curve(clip_lo, lo_anchor, [1.0, 0.85, 0.55, 0.25, 0.05])
    # Headroom: tones crowding just below white (≥ 240) or just above black (≤ 15) are
    # the first sign of a stop too much or too little, before anything clips.
    near_hi = float(hist[240:].sum()) / n
    near_lo = float(hist[:16].sum()) / n
    s_head = curve(near_hi, [0.01, 0.04, 0.1, 0.25], [1.0, 0.9, 0.7, 0.4])
    s_foot = curve(near_lo, [0.03, 0.1, 0.25, 0.5], [1.0, 0.9, 0.7, 0.4])
    if low_key:
        s_foot = max(s_foot, 0.85)
    parts = (mid, top, bottom, s_hi, s_lo, s_head, s_foot)
    score = 0.65 * min(parts) + 0.35 * float(np.mean(parts))
    return ExposureReport(clip_hi, clip_lo, p1, p50, p99, mean, key, score)
