"""Can this frame be judged at all? Blank, tiny and synthetic (screenshot) frames.

A photo the heuristics cannot read must say so with a low confidence instead of
receiving confident-looking numbers: tiny previews have no detail to measure, blank
frames have no content, and flat graphics (screenshots, slides, drawings) have large
areas of exactly equal neighbouring pixels and almost no sensor noise, which no camera
photograph has outside clipped areas, and a handful of exact colours covering most of
the frame (the page, the panels, the text), which a photograph's smooth areas never do:
their gradients spread over hundreds of levels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photo_score.inference.local.frame import CLIP_HI, CLIP_LO, Frame
from photo_score.inference.local.noise import VISIBLE_BLOCKINESS

MIN_EDGE = 64
# Share of the mid-tone pixels that the 8 commonest exact colours cover, from which a flat,
# noiseless frame reads as a graphic. The product's own UI screenshots: 0.41 (the viewer,
# half of it a photo) to 0.90; the 40 package photos and every non-JPEG degraded copy of
# them (blur, under/over-exposure, tilt): at most 0.28 (a blown-out flower at +2.25 EV).
GRAPHIC_TOP_COLOURS = 0.35


@dataclass(frozen=True, slots=True)
class Judgeability:
    confidence_cap: float  # 1.0 = fully judgeable
    reasons: tuple[str, ...]
    flat_fraction: float  # fraction of mid-tone pixels equal to both neighbours
    contrast: float  # luma std in 8-bit levels


def judge(frame: Frame, noise_sigma: float, blockiness: float) -> Judgeability:
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
    # The colour count (a sort of the small frame) only when the cheap tests already say
    # "graphic": most photos never pay for it. Until 1.10 the test was "distinct colours
    # < 5% per pixel", which missed screenshots holding photo thumbnails (6–9%) and called
    # blurred near-monochrome photos (wood, a grey page, at σ 3–5) screenshots.
    if contrast >= 3.0 and flat > 0.35 and noise_sigma < 0.6:
        top = top_colour_share(frame.small_rgb, frame.small_gray8)
        if top >= GRAPHIC_TOP_COLOURS:
            # A JPEG squeezed until its blocks are flat passes the same tests; say so.
            what = (
                "a screenshot or graphic, or a photo compressed until its blocks are flat"
                if blockiness >= VISIBLE_BLOCKINESS
                else "a screenshot or graphic"
            )
            reasons.append(
                f"{flat:.0%} of the frame is perfectly flat with no sensor noise and 8 exact "
                f"colours cover {top:.0%} of it: looks like {what}, not a photograph"
            )
            cap = min(cap, 0.25)
    return Judgeability(cap, tuple(reasons), flat, contrast)


def top_colour_share(rgb: np.ndarray, gray: np.ndarray, k: int = 8) -> float:
    """Share of the mid-tone pixels covered by the ``k`` commonest exact colours.

    Clipped pixels are left out: a photo's blown sky is one exact colour too.
    """
    mid = ((gray > CLIP_LO) & (gray < CLIP_HI)).ravel()
    if not mid.any():
        return 0.0
    px = rgb.reshape(-1, 3)[mid].astype(np.uint32)
    codes = (px[:, 0] << 16) | (px[:, 1] << 8) | px[:, 2]
    counts = np.unique(codes, return_counts=True)[1]
    top = np.partition(counts, counts.size - k)[-k:] if counts.size > k else counts
    return float(top.sum()) / codes.size
