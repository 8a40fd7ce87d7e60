"""Sharpness maps and motion-vs-defocus classification.

Re-blur measure (after Crété-Roffet et al., 2007), in energy form: blur the image again
along one axis with a 9-tap box; where detail was sharp the neighbour differences
collapse, where it was already blurred they barely change. Per tile,
``1 - E[dB²] / E[dF²]`` is a content-normalised sharpness ratio (an ideal step gives 8/9,
a blurred edge → 0). Energy form so that the measured noise can be subtracted exactly
(white noise of std σ adds 2σ² to E[dF²] and 2σ²/81 to E[dB²]); otherwise grain would read
as detail. Steps on a detected 8×8 JPEG grid are dropped for the same reason.

Computed per tile, so the subject region can be judged on its own and intentional
background blur is not punished.

Motion vs defocus: the same ratio along four directions on the small frame. Defocus
softens every direction alike; motion blur leaves the direction across the streak sharp.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from photo_score.inference.local.frame import F32, Frame, tile_mean
from photo_score.inference.local.noise import VISIBLE_BLOCKINESS

TILES = 12  # tiles along the long edge
_TAPS = 9
_MIN_ENERGY = (4.0 / 255.0) ** 2
_MIN_STD = 4.0 / 255.0  # a tile flatter than this (sky, wall) is not judged at all
_MAX_CLIPPED = 0.6  # a tile more clipped than this is not judged
_SOFT_STEPS = 0.01  # step energy ÷ tile variance below which a tile is soft, not detailed


@dataclass(frozen=True, slots=True)
class SharpnessMap:
    ratio: F32  # per-tile re-blur ratio (NaN where too few edges)
    weight: F32  # per-tile excess edge energy
    buried: npt.NDArray[np.bool_]  # judged tiles whose detail is under the grain (sharpness_map)
    clipped: F32  # per-tile share of clipped pixels


def grid_phase(d: F32, axis: int) -> int:
    """The 8-pixel phase with the largest mean step along ``axis`` (JPEG grid)."""
    prof = d.mean(axis=1 - axis)
    n = prof.size // 8 * 8
    if n < 16:
        return 0
    return int(np.argmax(prof[:n].reshape(-1, 8).mean(axis=0)))


def _tile_energy(
    frame: Frame, axis: int, drop_grid: bool, size: tuple[int, int]
) -> tuple[F32, F32]:
    """Tile means of the squared neighbour step before (F) and after (B) the re-blur.

    Each axis is reduced to tiles on its own (no full-frame sum of the two), with OpenCV
    primitives on float32; that keeps this at a few ms per 1024 px preview.
    """
    gray = frame.gray
    d = frame.dx if axis == 1 else frame.dy
    # The neighbour step of a box-blurred row is the difference of two samples a box
    # apart: B(x+1) − B(x) = (I(x+5) − I(x−4)) / 9. So the re-blurred steps need no
    # filtering at all, one subtraction on an edge-reflected copy (the borders as
    # cv2.blur's BORDER_REFLECT has them; ~3× cheaper than the separable box filter).
    half = _TAPS // 2
    h, w = gray.shape
    if axis == 1:
        pad = cv2.copyMakeBorder(gray, 0, 0, half, half + 1, cv2.BORDER_REFLECT)
        diff = cv2.absdiff(pad[:, _TAPS : w - 1 + _TAPS], pad[:, : w - 1])
    else:
        pad = cv2.copyMakeBorder(gray, half, half + 1, 0, 0, cv2.BORDER_REFLECT)
        diff = cv2.absdiff(pad[_TAPS : h - 1 + _TAPS, :], pad[: h - 1, :])
    ef: F32 = frame.dx2 if axis == 1 else frame.dy2
    eb: F32 = np.asarray(cv2.multiply(diff, diff, scale=1.0 / (_TAPS * _TAPS)), np.float32)
    clipped = cv2.countNonZero(frame.clipped) > 0
    if clipped or drop_grid:
        ef = ef.copy()  # the frame's own energies are shared; only this view drops steps
    if clipped:
        # A step into a clipped area is the clip's edge, not the scene's: keep neither
        # energy where the re-blur window touches a clipped pixel (see sharpness_map).
        k = np.ones((1, _TAPS + 1) if axis == 1 else (_TAPS + 1, 1), np.uint8)
        near = cv2.dilate(frame.clipped, k, anchor=(half, 0) if axis == 1 else (0, half))
        near = near[:h, : w - 1] if axis == 1 else near[: h - 1, :w]
        touched = near.view(np.bool_)  # 0/255 bytes: a free boolean view
        np.copyto(ef, 0.0, where=touched)
        np.copyto(eb, 0.0, where=touched)
    if drop_grid:
        phase = grid_phase(d, axis)
        if axis == 1:
            ef[:, phase::8] = 0.0
            eb[:, phase::8] = 0.0
        else:
            ef[phase::8, :] = 0.0
            eb[phase::8, :] = 0.0
    return tile_mean(ef, size), tile_mean(eb, size)


def sharpness_map(frame: Frame, noise_sigma: float, blockiness: float) -> SharpnessMap:
    """Per-tile noise-corrected re-blur ratios on the preview."""
    drop = blockiness > VISIBLE_BLOCKINESS
    h, w = frame.height - 1, frame.width - 1
    long_edge = max(h, w, 1)
    tw = max(1, round(w * TILES / long_edge))
    th = max(1, round(h * TILES / long_edge))
    efx, ebx = _tile_energy(frame, 1, drop, (tw, th))
    efy, eby = _tile_energy(frame, 0, drop, (tw, th))
    eft, ebt = efx + efy, ebx + eby
    s2 = (noise_sigma / 255.0) ** 2
    keep = 7.0 / 8.0 if drop else 1.0
    eft = np.maximum(eft - keep * 2.0 * 2.0 * s2, 0.0)  # two axes, 2σ² each
    ebt = np.maximum(ebt - keep * 2.0 * 2.0 * s2 / 81.0, 0.0)
    # Tiles with visible structure (std over the tile) are judged; a structured tile with
    # no fine-step energy above the noise floor is simply blurred (ratio 0).
    g = frame.gray
    m1 = tile_mean(g, (tw, th))
    m2 = tile_mean(np.asarray(cv2.multiply(g, g), np.float32), (tw, th))
    # Structure is what the tile varies by beyond its grain (a flat tile at σ = 24 varies
    # by ~24 levels).
    std = np.sqrt(np.maximum(m2 - m1 * m1 - s2, 0.0))
    floor = max(_MIN_ENERGY * 0.1, 4.0 * s2)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(eft > floor, 1.0 - ebt / eft, 0.0)
    # A tile under the floor has lost its fine detail to the eye either way, so it counts
    # as blurred (ratio 0) for sharpness. Whether it is *soft* (bokeh, a gradient) or only
    # *buried* (detail weaker than the grain, which cannot be told from none) matters for
    # depth of field: soft means structure well clear of the grain with almost no
    # fine-step energy for its size (a gradient spread over a tile has steps of ~1/25 of
    # its std; detail, of its own order), a test that darkening does not change. Counting
    # buried tiles as background blur made a noisy or darkened frame's background look
    # like bokeh (flower at σ = 6: separation 1.1 → 17; casio_qvr51_large at σ = 24:
    # 1.0 → 19; blinds at −3 EV: 1.2 → 17), so subject strength rose with the defect.
    soft = (eft <= _SOFT_STEPS * std * std) & (std > 3.0 * np.sqrt(s2))
    buried = (eft <= floor) & ~soft
    # Clipping fakes detail: where highlights blow (or shadows crush) to a flat ceiling,
    # the boundary of the clipped area is a hard step however soft the scene was (a
    # defocused page at +1.5 EV read 0.75 sharp against 0.40 for the original). The steps
    # touching clipped pixels are already left out (``_tile_energy``), so a partly blown
    # tile is judged on what is left of it; only a tile more than 60% clipped is not
    # judged. (Until 1.7: more than 25%, with its clip edges counted. Leaving out the
    # blown tiles of a subject left its sharper tiles to speak for it: canon_rebel_t6's
    # brass medallion at +0.75 EV read 0.97 sharp against 0.93 for the original.)
    clipped = np.asarray(frame.clipped[:h, :w], np.float32)
    clip_share = tile_mean(clipped, (tw, th)) / np.float32(255.0)
    judged = (std > _MIN_STD) & (clip_share <= _MAX_CLIPPED)
    ratio = np.where(judged, np.clip(r, 0.0, 1.0), np.nan).astype(np.float32)
    weight = np.where(judged, eft, 0.0).astype(np.float32)
    return SharpnessMap(ratio, weight, buried & judged, clip_share)


_ANGLES = tuple(i * 22.5 for i in range(8))
_LINE_TAPS = 7


def _line_kernel(theta_deg: float) -> F32:
    """A normalised 7-tap anti-aliased line at ``theta_deg`` (4× supersampled)."""
    size = 4 * (_LINE_TAPS + 2) + 1
    c = size // 2
    k = np.zeros((size, size), np.float32)
    k[c, c - 2 * _LINE_TAPS : c + 2 * _LINE_TAPS + 1] = 1.0
    rot = cv2.getRotationMatrix2D((float(c), float(c)), theta_deg, 1.0)
    k = np.asarray(cv2.warpAffine(k, rot, (size, size), flags=cv2.INTER_LINEAR), np.float32)
    small = np.asarray(cv2.resize(k, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA))
    out: F32 = (small / small.sum()).astype(np.float32)
    return out


_KERNELS = tuple(_line_kernel(a) for a in _ANGLES)


def _noise_gain(theta_deg: float, k: F32) -> float:
    """Energy gain of white noise through the directional derivative, then the line blur.

    The derivative is a central difference, so its noise is correlated along θ and the
    line blur along θ partly cancels it (a 7-tap box along x leaves (x₊₄ + x₊₃ − x₋₃ −
    x₋₄)/7, i.e. 4σ²/49, not 2σ²·Σk² = 14σ²/49). Using Σk² over-subtracted the noise after
    the re-blur, so added grain read as directional detail (a σ = 24 copy of a soft storm
    sky: worst direction 0.29 → 0.70). This is the exact gain of the combined kernel.
    """
    t = np.deg2rad(theta_deg)
    deriv = np.zeros((3, 3), np.float32)
    deriv[1, 0], deriv[1, 2] = -np.cos(t), np.cos(t)
    deriv[0, 1], deriv[2, 1] = np.sin(t), -np.sin(t)
    pad = k.shape[0] // 2 + 1
    canvas = np.zeros((3 + 2 * pad, 3 + 2 * pad), np.float32)
    canvas[pad : pad + 3, pad : pad + 3] = deriv
    full = cv2.filter2D(canvas, cv2.CV_32F, k, borderType=cv2.BORDER_CONSTANT)
    return float(np.vdot(full, full))


_NOISE_GAINS = tuple(_noise_gain(a, k) for a, k in zip(_ANGLES, _KERNELS, strict=True))


def directional_ratios(
    gray_small: F32, noise_sigma_small: float, weights: F32 | None = None
) -> list[float]:
    """Noise-corrected re-blur ratio along 8 directions (0°, 22.5°, … 157.5°).

    Each direction blurs along a 7-tap line and compares the directional derivative
    energy before and after. Motion blur along θ makes a narrow dip around θ; defocus and
    plain content anisotropy make a flat or broad, sinusoidal profile. ``weights`` (same
    shape, ≥ 0) weigh each pixel's energy: the subject's saliency mass, so the reading
    moves smoothly with the subject instead of jumping with a box.
    """
    gx = cv2.Sobel(gray_small, cv2.CV_32F, 1, 0, ksize=1)
    gy = cv2.Sobel(gray_small, cv2.CV_32F, 0, 1, ksize=1)
    s2 = (noise_sigma_small / 255.0) ** 2
    n = float(gray_small.size) if weights is None else float(weights.sum())
    out: list[float] = []
    for theta, k, gain in zip(_ANGLES, _KERNELS, _NOISE_GAINS, strict=True):
        t = np.deg2rad(theta)
        c, s = float(np.cos(t)), -float(np.sin(t))
        # Derivatives commute with the line blur, so the directional derivative of the
        # re-blurred image is the re-blurred directional derivative: one filter, not three.
        d = cv2.addWeighted(gx, c, gy, s, 0.0)
        b = cv2.filter2D(d, cv2.CV_32F, k, borderType=cv2.BORDER_REFLECT)
        if weights is None:
            ef = float(np.vdot(d, d)) / n - 2.0 * s2
            eb = float(np.vdot(b, b)) / n - s2 * gain
        else:
            ef = float(np.vdot(d * weights, d)) / n - 2.0 * s2
            eb = float(np.vdot(b * weights, b)) / n - s2 * gain
        out.append(1.0 - max(eb, 0.0) / ef if ef > 1e-6 else 0.0)
    return out


def motion_index(ratios: list[float]) -> tuple[float, float]:
    """``(index, angle)``: how narrow and deep the worst-direction dip is, and where.

    ``(median - min) / median``; ≈0.0–0.15 for sharp or defocused frames, ≥ 0.25 for a
    streak. The angle is the blur direction in degrees (0 = horizontal).
    """
    arr = np.asarray(ratios)
    med = float(np.median(arr))
    if med <= 1e-6:
        return 0.0, 0.0
    i = int(np.argmin(arr))
    return (med - float(arr[i])) / med, _ANGLES[i]
