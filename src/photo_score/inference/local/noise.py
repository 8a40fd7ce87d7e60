"""Noise and compression artefacts.

Noise: robust MAD of a Laplacian-of-Laplacian high-pass (Immerkær's 3×3 mask, whose
response to white noise of std σ has std 6σ) over the flattest third of the frame, so
texture is not mistaken for grain. Measured on the preview, which the downscale has
already averaged, so the figure is preview-scale noise; ISO is context for the note.

Compression: 8×8 blockiness — the excess step energy on the strongest 8-pixel grid
phase against the other phases, relative to the content's own (noise removed). Near zero
on clean or resampled pixels, rises fast with heavy JPEG, and added grain cannot mask it.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from photo_score.inference.local.calibration import curve
from photo_score.inference.local.frame import F32, U8, Frame

_IMMERKAER = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)


@dataclass(frozen=True, slots=True)
class NoiseReport:
    sigma: float  # noise std in 8-bit levels, preview scale
    blockiness: float  # relative excess step on the 8×8 grid (0 = none)
    score: float  # noise_level attribute, 1 = clean


_BLOCK = 8
_BANDS = 8  # blockiness is read per band across the frame; the median band counts
# Blockiness from which JPEG blocks are visible at preview size (noted, and their grid
# steps left out of the sharpness measure). Roughly JPEG quality 40 on a smooth frame.
VISIBLE_BLOCKINESS = 0.15
# Where each blockiness calibration steps (noise_level's curve, the sharpness ceiling, the
# directional view's fade): one list, so a change of the measure's scale is made once.
# 0.8× those of 1.8, which measured over the median phase: the runner-up is higher, and
# real blocks read about 0.8× as much (median over both photo sets, JPEG q 25–5).
BLOCK_LEVELS = (VISIBLE_BLOCKINESS, 0.36, 0.72, 1.44, 3.0, 9.6)
_MAX_CLIPPED_BLOCK = 0.02 * 255  # inRange marks 255: at most ~1 clipped pixel in 64
_MIN_BLOCKS = 12


def estimate_sigma(gray: F32, clipped: U8) -> float:
    """Noise std in 8-bit levels from the flattest third of 8×8 blocks.

    Per block: mean |high-pass| (Immerkær: σ = √(π/2)·mean|r|/6) and the block's std.
    The blocks with the lowest std are the flattest; their median estimate is the noise.
    Block means come from an area resize, which keeps this at a few ms per preview.

    Blocks with clipped pixels are left out: where highlights blew or shadows crushed,
    the sensor recorded a flat ceiling, not a clean patch. Counted in, they were the
    "flattest" blocks and pulled the estimate to 0 as soon as a frame was pushed into
    clipping (xiaomi at +0.75 EV: σ 1.0 → 0.0), so an overexposed copy read cleaner and,
    with no grain subtracted, sharper than its original.
    """
    h, w = gray.shape
    bh, bw = h // _BLOCK, w // _BLOCK
    if bh < 2 or bw < 2:
        return 0.0
    g = gray[: bh * _BLOCK, : bw * _BLOCK]
    resp = np.abs(cv2.filter2D(g, cv2.CV_32F, _IMMERKAER, borderType=cv2.BORDER_REFLECT))
    size = (bw, bh)
    r_mean = cv2.resize(resp, size, interpolation=cv2.INTER_AREA).ravel()
    m1 = cv2.resize(g, size, interpolation=cv2.INTER_AREA)
    m2 = cv2.resize(g * g, size, interpolation=cv2.INTER_AREA)
    std = np.sqrt(np.maximum(m2 - m1 * m1, 0.0)).ravel()
    clip = clipped[: bh * _BLOCK, : bw * _BLOCK]
    clip_share = cv2.resize(clip, size, interpolation=cv2.INTER_AREA).ravel()
    usable = clip_share <= _MAX_CLIPPED_BLOCK
    n_usable = int(np.count_nonzero(usable))
    if n_usable < _MIN_BLOCKS:
        return 0.0  # (nearly) all clipped: no patch shows grain
    r_mean, std = r_mean[usable], std[usable]
    k = max(1, n_usable // 3)
    flat = r_mean[np.argpartition(std, k - 1)[:k]]
    return float(np.median(flat)) * float(np.sqrt(np.pi / 2.0)) / 6.0 * 255.0


def blockiness(dx2: F32, dy2: F32, sigma: float, mean_level: float = 128.0) -> float:
    """Excess step energy on the strongest 8-pixel grid phase, relative to the content's
    (``dx2``, ``dy2``: squared neighbour steps of the luma on [0, 1]).

    Energy form: per column (row) phase, the mean *squared* neighbour difference in
    8-bit levels². White noise of std σ adds the same 2σ² to every phase, so the excess
    (strongest phase minus the runner-up) is blind to grain; the denominator is the
    runner-up phase with the measured noise energy taken out, so adding grain to a blocky
    file cannot hide its blocks the way it did with mean absolute steps. The floor (9
    levels² at a mid-grey mean, scaled with the square of the frame's mean level, so that
    the ratio does not change when the whole frame is darkened or brightened) keeps flat
    skies from turning a tiny step into a huge ratio and absorbs the noise estimate's own
    error. A fixed floor made a −1 EV copy of a blocky page look 40% less blocky.

    Measured in 8 bands across the frame and the median band kept: JPEG blocks cover the
    whole frame, while a few strong straight edges of the content (a façade, a frame)
    land on one phase only in the bands they cross. One whole-frame profile read those
    edges as blocks (messi5 0.12, a resampled nokia_n70 0.52; 0.02 in bands).

    The excess is taken over the runner-up phase, not the median one (1.9): a JPEG grid
    lifts one phase in 8, while resampling by a ratio whose pattern repeats every 2, 4 or
    8 pixels lifts several alike. Over the median, the preview of a 3840 px camera file
    (1.875× down) read 0.10 and messi5 zoomed 1.21× read 0.13; over the runner-up, ≈ 0.
    """
    out = []
    noise_energy = 2.0 * sigma * sigma
    floor = 9.0 * max(mean_level / 128.0, 0.25) ** 2
    for energy, axis in ((dx2, 1), (dy2, 0)):
        # Steps run along ``axis``; bands cut across it. Both reductions go over the
        # array as it lies (no transposed copy), and the energies are scaled to 8-bit
        # levels² only once they are a band × phase table.
        along, across = (energy.shape[1], energy.shape[0]) if axis == 1 else energy.shape
        n = along // 8 * 8
        width = across // _BANDS * _BANDS
        if n < 16 or width < _BANDS:
            return 0.0
        if axis == 1:
            bands = energy[:width, :n].reshape(_BANDS, width // _BANDS, n).mean(axis=1)
        else:
            cols = energy[:n, :width].reshape(n, _BANDS, width // _BANDS).mean(axis=2)
            bands = np.ascontiguousarray(cols.T)
        phases = bands.reshape(_BANDS, n // 8, 8).mean(axis=1) * (255.0 * 255.0)  # band × phase
        best = int(np.argmax(phases.mean(axis=0)))
        rest = np.delete(phases, best, axis=1).max(axis=1)  # the runner-up phase, per band
        excess = np.maximum(phases[:, best] - rest, 0.0)
        out.append(float(np.median(excess / (np.maximum(rest - noise_energy, 0.0) + floor))))
    return float(np.mean(out))


def measure_noise(frame: Frame) -> NoiseReport:
    sigma = estimate_sigma(frame.gray, frame.clipped)
    block = blockiness(frame.dx2, frame.dy2, sigma, float(cv2.mean(frame.gray8)[0]))
    # Tails run on to far beyond the bench's worst case, so a worse file always scores
    # lower instead of tying on a floor.
    s_noise = curve(
        sigma, [0.8, 1.5, 3.0, 6.0, 12.0, 24.0, 64.0], [1.0, 0.92, 0.65, 0.3, 0.08, 0.02, 0.0]
    )
    s_block = curve(block, [0.05, *BLOCK_LEVELS], [1.0, 0.85, 0.45, 0.2, 0.08, 0.03, 0.0])
    # A product, not a minimum: grain over a blocky file is worse than either alone.
    return NoiseReport(sigma, block, s_noise * s_block)
