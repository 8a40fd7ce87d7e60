"""Colour and tone measures behind visual_appeal and the colour_palette feature.

Colourfulness: Hasler & Süsstrunk (2003), M = σ_rgyb + 0.3·μ_rgyb on 8-bit RGB
(≈15 slightly, 33 moderately, 59 quite, 82 highly colourful). Harmony: how much of the
saturation-weighted hue mass sits in at most two 60° arcs (a monochromatic, analogous or
complementary scheme scores high; a hue salad scores low). Contrast: RMS luma contrast.
Warmth: mean of (R − B) over saturated pixels.

Both colourfulness and RMS contrast grow with brightness: a change of exposure scales
every gamma-encoded value by the same factor (until something clips). Judged as read, a
copy brightened by ¾ EV gained visual appeal (the elephants' burst crop: 0.74 → 0.84)
and won its burst, counting exposure a second time and the wrong way round. Appeal reads
them *at mid-grey* instead (contrast relative to the mean level, as the eye reads it):
scaled by 118 / mean luma, the mean held to 80–170 so the few tones of a very dark or
very bright frame are not blown up into contrast it does not show.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from photo_score.inference.local.frame import Frame


@dataclass(frozen=True, slots=True)
class ColourReport:
    colourfulness: float  # Hasler–Süsstrunk M
    harmony: float  # 0..1
    contrast: float  # RMS luma contrast, 8-bit levels
    saturation: float  # mean HSV saturation 0..1
    warmth: float  # mean (R − B) / 255 over saturated pixels, −1..1
    chroma_fraction: float  # fraction of pixels with saturation > 0.15
    level: float  # mid-grey ÷ the frame's mean luma (held to 80–170)

    @property
    def colourfulness_mid(self) -> float:
        """Colourfulness as it would read at a mid-grey mean: exposure-free."""
        return self.colourfulness * self.level

    @property
    def contrast_mid(self) -> float:
        """RMS contrast as it would read at a mid-grey mean: exposure-free."""
        return self.contrast * self.level


_MID_GREY = 118.0  # sRGB 8-bit value of 18% grey
_LEVEL_RANGE = (80.0, 170.0)


def measure_colour(frame: Frame) -> ColourReport:
    # Colour statistics are scale-free: half the small frame (≤ 192 px) is plenty.
    small = frame.small_rgb
    if max(small.shape[:2]) > 200:
        size = (max(1, small.shape[1] // 2), max(1, small.shape[0] // 2))
        small = np.asarray(cv2.resize(small, size, interpolation=cv2.INTER_AREA), np.uint8)
    rgb = small.astype(np.float32)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    rg = r - g
    yb = 0.5 * (r + g) - b
    m = float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    sat = hsv[..., 1].astype(np.float32) / 255.0
    val = hsv[..., 2].astype(np.float32) / 255.0
    hue = hsv[..., 0].astype(np.float32) * 2.0  # degrees
    wts = sat * val
    chroma = (sat > 0.15) & (val > 0.15)
    harmony = 1.0
    if float(wts[chroma].sum()) > 1e-3 and chroma.mean() > 0.02:
        hist = np.bincount(
            (hue[chroma] // 10).astype(np.int64) % 36, weights=wts[chroma], minlength=36
        )
        hist = hist / hist.sum()
        # Circular sums of 6 bins (60° arcs); best arc, then best arc away from it.
        ext = np.concatenate([hist, hist[:5]])
        arcs = np.convolve(ext, np.ones(6), mode="valid")[:36]
        i = int(np.argmax(arcs))
        first = float(arcs[i])
        mask = np.ones(36, bool)
        for k in range(-5, 6):
            mask[(i + k) % 36] = False
        second = float(arcs[mask].max()) if mask.any() else 0.0
        harmony = min(1.0, first + second)
    warm = float(((r - b) / 255.0)[chroma].mean()) if chroma.any() else 0.0
    level = _MID_GREY / min(max(frame.luma_mean, _LEVEL_RANGE[0]), _LEVEL_RANGE[1])
    return ColourReport(
        m, harmony, frame.luma_std, float(sat.mean()), warm, float(chroma.mean()), level
    )
