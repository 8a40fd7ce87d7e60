"""The three technical attributes from the raw measurements, with their calibration.

Sharpness blends three views that all fall under blur: the subject's own tiles (so a
sharp subject over bokeh stays sharp), the best tiles anywhere (something in focus at
all?), and the worst direction on the subject (motion blur leaves one direction sharp).
Anchors were set on the real photos and their blurred copies: a crisp preview has tile
ratios ≥ 0.9, Gaussian σ = 2 px gives ≈ 0.65, σ = 4 px ≈ 0.3.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from photo_score.inference.local.calibration import curve, ramp
from photo_score.inference.local.frame import F32, Frame, tile_mean
from photo_score.inference.local.noise import BLOCK_LEVELS, VISIBLE_BLOCKINESS, NoiseReport
from photo_score.inference.local.sharpness import (
    SharpnessMap,
    directional_ratios,
    motion_index,
    sharpness_map,
)
from photo_score.inference.local.subject import Subject
from photo_score.ingest.geometry import area_downscale

MOTION_INDEX = 0.25  # narrow directional dip → motion blur


def block_ceiling(blockiness: float) -> float:
    """Highest sharpness a frame with this JPEG blockiness can score (1 until visible)."""
    return curve(
        blockiness,
        BLOCK_LEVELS,
        [1.0, 0.92, 0.8, 0.65, 0.5, 0.25],
    )


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
    block_cap: float | None = None  # the ceiling visible JPEG blocks put on the score
    streak_cap: float | None = None  # the ceiling a directional smear put on the score
    # The directional dip and its angle read on the preview itself, for a frame called
    # blurred: what decides motion vs defocus (see measure_sharpness). None otherwise.
    blur_index: float | None = None
    blur_angle: float | None = None


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


_BG_MAX_CLIPPED = 0.1  # a background tile more clipped than this says nothing about focus
_DIRECTION_EDGE = 512  # long edge of the copy the directional profile is read on
_MIN_CROP = 64  # a subject crop smaller than this (px at 512) is too small for 8 directions
_DIRECTION_FLOOR = 0.1  # least weight of any pixel in the directional profile (× the peak)


def _direction_view(frame: Frame) -> tuple[F32, float]:
    """Luma on [0, 1] with the long edge at ``_DIRECTION_EDGE`` (never upscaled), and its
    scale relative to the preview."""
    view: F32 = np.asarray(area_downscale(frame.gray, _DIRECTION_EDGE), np.float32)
    return view, view.shape[1] / frame.gray.shape[1]


def _direction_weights(shape: tuple[int, int], subject: Subject) -> F32:
    """Where the directional profile is read, on the 512 px view: the subject's saliency
    mass (salient subjects) or its box (faces; the whole frame if the box is under
    ``_MIN_CROP``).

    Weighted by the mass, not cropped to the strongest blob's box (until 1.10): that box
    jumped between blobs under a 3 px shift (the squirrel's worst direction read 0.32 or
    0.60, its final score 71–80). Every pixel weighs at least ``_DIRECTION_FLOOR`` of the
    mass's peak, as the whole frame stood in for a small box before: with the mass alone,
    a few salient pixels at the edge of a 128 px frame decided it, and a 31 px streak
    there read sharper than a 7 px one (0.74 against 0.65).
    """
    sh, sw = shape
    if subject.mass is not None:
        w = np.asarray(
            cv2.resize(subject.mass, (sw, sh), interpolation=cv2.INTER_LINEAR), np.float32
        )
        w = w / np.float32(max(float(w.max()), 1e-12)) + np.float32(_DIRECTION_FLOOR)
    else:
        w = np.zeros(shape, np.float32)
        x0, y0, x1, y1 = subject.box
        rs = slice(int(y0 * sh), int(np.ceil(y1 * sh)))
        cs = slice(int(x0 * sw), int(np.ceil(x1 * sw)))
        if min(w[rs, cs].shape) < _MIN_CROP:
            w[:] = 1.0
        else:
            w[rs, cs] = 1.0
    return w


def _directions(gray: F32, weights: F32, sigma: float) -> list[float]:
    """The directional profile over the rows and columns that carry weight (plus the
    filters' reach); unweighted over the whole view if nothing does."""
    rows, cols = np.flatnonzero(weights.any(axis=1)), np.flatnonzero(weights.any(axis=0))
    if rows.size == 0:
        return directional_ratios(gray, sigma)
    sh, sw = gray.shape
    pad = 8  # px: the Sobel step and the 7-tap line blur reach this far
    r0, r1 = max(0, int(rows[0]) - pad), min(sh, int(rows[-1]) + 1 + pad)
    c0, c1 = max(0, int(cols[0]) - pad), min(sw, int(cols[-1]) + 1 + pad)
    crop = np.ascontiguousarray(gray[r0:r1, c0:c1])
    return directional_ratios(crop, sigma, np.ascontiguousarray(weights[r0:r1, c0:c1]))


def measure_sharpness(frame: Frame, noise: NoiseReport, subject: Subject) -> SharpnessReport:
    smap = sharpness_map(frame, noise.sigma, noise.blockiness)
    ratio, weight = smap.ratio, smap.weight
    valid = np.isfinite(ratio)
    if valid.any():
        vals = np.sort(ratio[valid])
        best = float(vals[-max(1, vals.size // 4) :].mean())
    else:
        best = 0.0
    if subject.mass is not None:
        # Salient subject: every tile counts by its edge energy times the saliency mass it
        # holds, so the reading moves smoothly with the pixels. Reading the box of the
        # single strongest blob jumped between blobs: a 2 px shift of the blinds moved it
        # onto a flat corner and sharpness fell from 0.79 to 0.42.
        th, tw = ratio.shape
        sal = tile_mean(subject.mass, (tw, th))
        sub = _wmean(ratio, weight * sal)
        outside = sal < 0.05 * float(sal.max())
    else:
        rs, cs = _tile_box(smap, subject.box)
        sub = _wmean(ratio[rs, cs], weight[rs, cs])
        outside = np.ones(ratio.shape, bool)
        outside[rs, cs] = False
    # Background: the unweighted median of structured tiles outside the subject, so a
    # few sharp edges around the subject do not hide a blurred backdrop (bokeh).
    # Tiles whose detail is buried under grain say nothing about background blur, nor do
    # partly clipped ones: what is left of them beside the clip is the soft roll-off into
    # it, so a blown background read as bokeh (xiaomi at +1.5 EV: depth 0.43 → 0.95).
    bg_tiles = ratio[outside & valid & ~smap.buried & (smap.clipped <= _BG_MAX_CLIPPED)]
    bg = float(np.median(bg_tiles)) if bg_tiles.size >= 3 else None
    subject_ratio = sub if sub is not None else best
    # Directions on a 512 px copy, weighted towards the subject (see _direction_weights).
    # 512 rather than the 384 px detector frame: a 7 px streak on the preview is 2.6 px at
    # 384 and barely dents the directional profile (elephants 0.83 -> 0.72); at 512 it
    # reads 0.66, for ~2 ms more.
    gray, scale = _direction_view(frame)
    weights = _direction_weights((gray.shape[0], gray.shape[1]), subject)
    dirs = _directions(gray, weights, noise.sigma * scale)
    m_idx, m_ang = motion_index(dirs)
    dmin = min(dirs)

    # The curves run on to 0 at a ratio of 0 (they were flat at 0.02 below 0.2 / 0.15), so
    # a blurrier copy scores strictly lower instead of tying on the floor.
    s_sub = curve(
        subject_ratio,
        [0.0, 0.2, 0.4, 0.6, 0.75, 0.85, 0.93],
        [0.0, 0.02, 0.15, 0.4, 0.65, 0.85, 1.0],
    )
    s_best = curve(
        best, [0.0, 0.2, 0.4, 0.6, 0.75, 0.85, 0.95], [0.0, 0.02, 0.15, 0.4, 0.65, 0.85, 1.0]
    )
    s_dir = curve(dmin, [0.0, 0.15, 0.3, 0.45, 0.6, 0.72], [0.0, 0.02, 0.25, 0.55, 0.85, 1.0])
    # Block edges are not detail. The tile views drop the steps on the JPEG grid; the
    # directional view (512 px, 8 angles) cannot, and read heavy blocks as crisp edges
    # (canon_sx210_defocus at JPEG q5: worst direction 0.36 → 0.66). Its weight fades out
    # between visible blocks and blockiness 0.72.
    # Heavy grain likewise: its correction rests on the σ estimate, and from σ ≈ 3 levels
    # the estimate's error outgrows the detail signal, so grain reads as edges (a σ = 24
    # copy of the blinds read 0.72 in its worst direction against 0.59 for the original).
    # The weight fades out between σ = 3 and 12 levels.
    w_dir = (
        0.3
        * (1.0 - ramp(noise.blockiness, VISIBLE_BLOCKINESS, BLOCK_LEVELS[2]))
        * (1.0 - ramp(noise.sigma, 3.0, 12.0))
    )
    score = (0.5 * s_sub + 0.2 * s_best + w_dir * s_dir) / (0.7 + w_dir)
    # A streak is judged by its worst direction. Where the directional profile shows a
    # narrow dip (motion index 0.15 → 0.35), the score may not exceed that direction's
    # score by more than 0.15: edges along the streak stay crisp, and a longer streak
    # that moved the subject box onto them read sharper than a shorter one (31 px vs
    # 15 px on four photos).
    # Only grain discounts the cap, not JPEG blocks (until 1.13 both did). Blocks add
    # crisp steps along 0° and 90°, which fill a dip, never dig one: over JPEG q 25/12/5
    # copies of all 51 bench photos the motion index only fell. Discounted for its
    # blocks (0.25), a real shaken page, canon_sx210_motion, escaped the cap and read
    # 0.87 sharp.
    streak = ramp(m_idx, 0.15, 0.35) * (1.0 - ramp(noise.sigma, 3.0, 12.0))
    streak_limit = s_dir + 0.15 + 0.85 * (1.0 - streak)
    streak_cap = streak_limit if streak_limit < score - 0.02 else None  # said when it shows
    score = min(score, streak_limit)
    if subject.kind == "face" and sub is not None and best - sub > 0.15:
        score = min(score, s_sub)  # focus missed the face: the background is the sharp part
    # Blur (motion or defocus) is judged before the JPEG cap: blocks are not a focus error.
    # Heavy quantisation also wipes the fine detail inside each block, so under heavy
    # blocks the verdict needs a clearly lower reading (nokia_n70 at quality 5 read 0.53
    # with its subject in place: blocks, not a missed focus).
    blurred = score < 0.55 - 0.2 * ramp(noise.blockiness, 0.9, 7.5)
    # Heavy JPEG quantisation replaces fine detail with flat 8×8 tiles; a visibly blocky
    # frame is not crisp however hard its block edges are.
    cap = block_ceiling(noise.blockiness)
    block_cap = cap if cap < score else None
    score = min(score, cap)
    blur_type = "none"
    blur_index = blur_angle = None
    if blurred:
        # Which kind of blur is read on the preview itself, not on the 512 px copy the
        # score uses: a 7 px streak is 3.5 px there and its dip is shallow, so most were
        # called defocus (6 of 25 right on the held-out photos; 29 of 37 on the preview
        # over both sets, while Gaussian copies read as motion no more often, 16 against
        # 19 of 176). It costs ~10 ms, and only a frame called blurred pays it.
        full = _directions(frame.gray, _direction_weights(frame.gray.shape, subject), noise.sigma)
        blur_index, blur_angle = motion_index(full)
        blur_type = "motion" if blur_index >= MOTION_INDEX else "defocus"
    sep = None
    if bg is not None:
        sep = max(subject_ratio, best) / max(bg, 0.05)
    return SharpnessReport(
        subject_ratio,
        best,
        bg,
        dmin,
        m_idx,
        m_ang,
        blur_type,
        sep,
        score,
        block_cap,
        streak_cap,
        blur_index,
        blur_angle,
    )
