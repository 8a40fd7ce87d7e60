"""Scene type, only where pixels can tell it; everything else is "unknown".

No scene classifier runs offline here, so this names a scene only from evidence a viewer
would point at, and only four kinds of it (the vision contract's other kinds, street,
food, event, need to know what things are):

- **portrait**: a face is the subject (the faces module).
- **landscape**: a level horizon under open sky. A family of lines within a degree of one
  another near level carries much of the frame's oriented structure, nothing plumb
  argues (a street's verticals make it a street or a façade), and the top quarter of the
  frame is open sky (smooth and sky-coloured: blue, pale, or lit warm) while the bottom
  quarter is not.
- **architecture**: plumb lines under sky. Verticals near the centre column agree within
  a degree (the tilt reading's vertical family: walls, columns, window edges), some sky
  shows in the top quarter (the building stands outdoors: a page of text or a circuit
  board has verticals and no sky) and little in the bottom one (a smooth illustration is
  "sky" everywhere), and little foliage.
- **nature**: foliage green covers at least 40% of the frame and no grid of level and
  plumb lines runs through it (a green circuit board, a painted wall).

Each rule needs all of its evidence; one missing makes the frame "unknown", and a frame
the judge reads as a graphic or cannot judge is always "unknown". The thresholds were set
on the accuracy bench's 65 package photos, labelled by eye (bench_local_accuracy.py
prints how often each kind is named and how often rightly).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from photo_score.inference.local.composition import CompositionReport
from photo_score.inference.local.frame import Frame

_SMOOTH = 12.0  # mean gradient (5×5, Sobel |x|+|y| on 8-bit luma) below which a pixel is smooth
_FOLIAGE = 0.4  # share of the frame in foliage green for "nature"
_HORIZON = 0.07  # oriented weight within a degree of the level family's mode
_PLUMB = 0.045  # the same, the vertical family near the centre column
_OPEN_SKY = 0.5  # share of the top quarter that is sky, for a landscape
_SOME_SKY = 0.3  # ... for a building
_SKY_DROP = 0.3  # top quarter's sky share above the bottom quarter's, for a landscape
_GROUND_SKY = 0.2  # a building stands on something: at most this much "sky" at the bottom
_NOTHING_PLUMB = 0.03  # vertical family's weight under which no street or façade argues
_LITTLE_FOLIAGE = 0.2  # at most this much foliage in a photo of a building
_NO_GRID = 0.1  # level and plumb families together under this: foliage, not a circuit board


@dataclass(frozen=True, slots=True)
class SceneReport:
    kind: str  # "portrait", "landscape", "architecture", "nature" or "unknown"
    sky_top: float  # share of the top quarter of the frame that is open sky
    sky_bottom: float  # the same, bottom quarter
    foliage: float  # share of the frame in foliage green


def measure_scene(
    frame: Frame, comp: CompositionReport, face_subject: bool, judgeable: bool
) -> SceneReport:
    """``face_subject``: a face is the photo's subject; ``judgeable``: the judge found
    nothing that makes the frame unreadable (a graphic, a blank frame)."""
    hsv = cv2.cvtColor(frame.small_rgb, cv2.COLOR_RGB2HSV)
    hue, sat, val = cv2.split(hsv)
    foliage = cv2.inRange(hsv, (30, 50, 40), (90, 255, 255))
    foliage_share = float(cv2.countNonZero(foliage)) / max(foliage.size, 1)
    sky_top, sky_bottom = _sky_shares(frame.small_gray8, hue, sat, val)
    level, plumb = comp.level_lines, comp.plumb_lines
    if not judgeable:
        kind = "unknown"
    elif face_subject:
        kind = "portrait"
    elif (
        level >= _HORIZON
        and plumb < _NOTHING_PLUMB
        and sky_top >= _OPEN_SKY
        and sky_top - sky_bottom >= _SKY_DROP
    ):
        kind = "landscape"
    elif (
        plumb >= _PLUMB
        and sky_top >= _SOME_SKY
        and sky_bottom < _GROUND_SKY
        and foliage_share < _LITTLE_FOLIAGE
    ):
        kind = "architecture"
    elif foliage_share >= _FOLIAGE and level + plumb < _NO_GRID:
        kind = "nature"
    else:
        kind = "unknown"
    return SceneReport(kind, sky_top, sky_bottom, foliage_share)


def _sky_shares(
    gray: np.ndarray, hue: np.ndarray, sat: np.ndarray, val: np.ndarray
) -> tuple[float, float]:
    """Shares of the top and the bottom quarter that look like open sky: smooth, and blue,
    pale and bright (overcast, haze), or lit warm (a sunset)."""
    g = cv2.GaussianBlur(gray, (3, 3), 0).astype(np.float32)
    steps = cv2.add(np.abs(cv2.Sobel(g, cv2.CV_32F, 1, 0)), np.abs(cv2.Sobel(g, cv2.CV_32F, 0, 1)))
    smooth = cv2.blur(steps, (5, 5)) < _SMOOTH
    blue = (hue >= 90) & (hue <= 130) & (sat >= 30) & (val >= 60)
    pale = (sat < 40) & (val >= 120)
    warm = ((hue <= 25) | (hue >= 160)) & (sat >= 40) & (val >= 100)
    sky = smooth & (blue | pale | warm)
    quarter = max(1, gray.shape[0] // 4)
    return float(sky[:quarter].mean()), float(sky[-quarter:].mean())
