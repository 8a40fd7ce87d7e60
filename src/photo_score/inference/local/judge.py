"""Can this frame be judged at all? Blank, tiny and synthetic (screenshot) frames.

A photo the heuristics cannot read must say so with a low confidence instead of
receiving confident-looking numbers: tiny previews have no detail to measure, blank
frames have no content, and flat graphics (screenshots, slides, drawings) have large
areas of exactly equal neighbouring pixels and almost no sensor noise, which no camera
photograph has outside clipped areas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photo_score.inference.local.frame import CLIP_HI, CLIP_LO, Frame

MIN_EDGE = 64


@dataclass(frozen=True, slots=True)
class Judgeability:
    confidence_cap: float  # 1.0 = fully judgeable
    reasons: tuple[str, ...]
    flat_fraction: float  # fraction of mid-tone pixels equal to both neighbours
    contrast: float  # luma std in 8-bit levels


def judge(frame: Frame, noise_sigma: float) -> Judgeability:
    reasons: list[str] = []
    cap = 1.0
    short = min(frame.height, frame.width)
    if short < MIN_EDGE:
        reasons.append(f"the image is tiny ({frame.width}×{frame.height} px), too small to judge")
        cap = min(cap, 0.15)
    contrast = frame.luma_std
    if contrast < 3.0:
        reasons.append(f"the frame is blank (luminance varies by only {contrast:.1f} levels)")
        cap = min(cap, 0.05)
    g8 = frame.gray8
    g = g8[:-1, :-1]
    mid = (g > CLIP_LO) & (g < CLIP_HI)
    eq = (g8[:-1, 1:] == g) & (g8[1:, :-1] == g) & mid
    n_mid = int(np.count_nonzero(mid))
    flat = float(np.count_nonzero(eq)) / n_mid if n_mid else 0.0
    # Distinct colours (a sort of the small frame) only when the cheap tests already say
    # "graphic": most photos never pay for it.
    if contrast >= 3.0 and flat > 0.35 and noise_sigma < 0.6:
        colours = unique_colour_ratio(frame.small_rgb)
        if colours < 0.05:
            reasons.append(
                f"{flat:.0%} of the frame is perfectly flat with no sensor noise and only "
                f"{colours:.1%} distinct colours per pixel: "
                "looks like a screenshot or graphic, not a photograph"
            )
            cap = min(cap, 0.25)
    return Judgeability(cap, tuple(reasons), flat, contrast)


def unique_colour_ratio(rgb: np.ndarray) -> float:
    """Distinct colours per pixel on a small frame (graphics use few)."""
    flat = rgb.reshape(-1, 3).astype(np.uint32)
    codes = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]
    return float(np.unique(codes).size) / max(codes.size, 1)
