"""The three technical attributes from the raw measurements, with their calibration.

Sharpness blends three views that all fall under blur: the subject's own tiles (so a
sharp subject over bokeh stays sharp), the best tiles anywhere (something in focus at
all?), and the worst direction on the subject (motion blur leaves one direction sharp).
Anchors were set on the real photos and their blurred copies: a crisp preview has tile
ratios ≥ 0.9, Gaussian σ = 2 px gives ≈ 0.65, σ = 4 px ≈ 0.3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photo_score.inference.local.calibration import curve
from photo_score.inference.local.frame import Frame
from photo_score.inference.local.noise import NoiseReport
from photo_score.inference.local.sharpness import (
    SharpnessMap,
    directional_ratios,
    motion_index,
    sharpness_map,
)
from photo_score.inference.local.subject import Subject

MOTION_INDEX = 0.25  # narrow directional dip → motion blur


@dataclass(frozen=True, slots=True)
class SharpnessReport:
    subject_ratio: float
    best_ratio: float
    background_ratio: float | None
    min_direction_ratio: float
    motion_index: float
    motion_angle: float
    blur_type: str  # "none", "motion", "defocus"
    separation: float | None  # subject / background sharpness (depth-of-field cue)
    score: float


def _tile_box(smap: SharpnessMap, box: tuple[float, float, float, float]) -> tuple[slice, slice]:
    th, tw = smap.ratio.shape
    x0, y0, x1, y1 = box
    c0, r0 = int(np.floor(x0 * tw)), int(np.floor(y0 * th))
    c1, r1 = max(c0 + 1, int(np.ceil(x1 * tw))), max(r0 + 1, int(np.ceil(y1 * th)))
    return slice(r0, min(r1, th)), slice(c0, min(c1, tw))


def _wmean(ratio: np.ndarray, weight: np.ndarray) -> float | None:
    ok = np.isfinite(ratio) & (weight > 0)
    if not ok.any():
        return None
    return float((ratio[ok] * weight[ok]).sum() / weight[ok].sum())


def measure_sharpness(frame: Frame, noise: NoiseReport, subject: Subject) -> SharpnessReport:
    smap = sharpness_map(frame, noise.sigma, noise.blockiness)
    ratio, weight = smap.ratio, smap.weight
    valid = np.isfinite(ratio)
    if valid.any():
        vals = np.sort(ratio[valid])
        best = float(vals[-max(1, vals.size // 4) :].mean())
    else:
        best = 0.0
    rs, cs = _tile_box(smap, subject.box)
    sub = _wmean(ratio[rs, cs], weight[rs, cs])
    outside = np.ones(ratio.shape, bool)
    outside[rs, cs] = False
    # Background: the unweighted median of structured tiles outside the subject, so a
    # few sharp edges around the subject do not hide a blurred backdrop (bokeh).
    bg_tiles = ratio[outside & valid]
    bg = float(np.median(bg_tiles)) if bg_tiles.size >= 3 else None
    subject_ratio = sub if sub is not None else best
    # Directions on the subject crop of the small frame (whole frame if the crop is small).
    sh, sw = frame.small_gray8.shape
    x0, y0, x1, y1 = subject.box
    crop = frame.small_gray8[
        int(y0 * sh) : int(np.ceil(y1 * sh)), int(x0 * sw) : int(np.ceil(x1 * sw))
    ]
    if min(crop.shape) < 48:
        crop = frame.small_gray8
    g = crop.astype(np.float32) * np.float32(1.0 / 255.0)
    dirs = directional_ratios(g, noise.sigma * frame.scale)
    m_idx, m_ang = motion_index(dirs)
    dmin = min(dirs)

    s_sub = curve(
        subject_ratio, [0.2, 0.4, 0.6, 0.75, 0.85, 0.93], [0.02, 0.15, 0.4, 0.65, 0.85, 1.0]
    )
    s_best = curve(best, [0.2, 0.4, 0.6, 0.75, 0.85, 0.95], [0.02, 0.15, 0.4, 0.65, 0.85, 1.0])
    s_dir = curve(dmin, [0.15, 0.3, 0.45, 0.6, 0.72], [0.02, 0.25, 0.55, 0.85, 1.0])
    score = 0.5 * s_sub + 0.2 * s_best + 0.3 * s_dir
    if subject.kind == "face" and sub is not None and best - sub > 0.15:
        score = min(score, s_sub)  # focus missed the face: the background is the sharp part
    blurred = score < 0.55
    blur_type = "none"
    if blurred:
        blur_type = "motion" if m_idx >= MOTION_INDEX else "defocus"
    sep = None
    if bg is not None:
        sep = max(subject_ratio, best) / max(bg, 0.05)
    return SharpnessReport(subject_ratio, best, bg, dmin, m_idx, m_ang, blur_type, sep, score)
