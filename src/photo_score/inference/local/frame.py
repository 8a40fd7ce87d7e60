"""The pixel views every heuristic shares, computed once per photo.

Heuristics run on the decoded preview (long edge ≤ 1024). Grey levels are computed once
here, in float32 on [0, 1], so each module does not redo the conversion; a small copy
(long edge ≤ 384) serves the detectors whose cost grows with area (faces, saliency, Hough).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from photo_score.ingest.geometry import area_downscale

F32 = npt.NDArray[np.float32]
U8 = npt.NDArray[np.uint8]

SMALL_EDGE = 384
CLIP_HI, CLIP_LO = 250, 5  # luma at the ceiling / floor: clipped, for every module


@dataclass(frozen=True, slots=True)
class Frame:
    rgb: U8  # H×W×3 preview
    gray8: U8  # luma, uint8
    gray: F32  # luma on [0, 1]
    small_rgb: U8  # long edge ≤ SMALL_EDGE
    small_gray8: U8
    scale: float  # small / full
    dx: F32  # |I(x+1) - I(x)|, W-1 wide
    dy: F32  # |I(y+1) - I(y)|, H-1 high
    dx2: F32  # dx², the step energies that noise and sharpness both read
    dy2: F32
    luma_std: float  # RMS contrast of the luma, 8-bit levels
    luma_mean: float  # 8-bit levels
    clipped: U8  # 255 where the luma is at the ceiling (≥ 250) or the floor (≤ 5)

    @property
    def height(self) -> int:
        return int(self.gray.shape[0])

    @property
    def width(self) -> int:
        return int(self.gray.shape[1])


def make_frame(rgb: U8, small_rgb: U8 | None = None) -> Frame:
    """The shared views of ``rgb``; ``small_rgb``, when given, is its area-average to a long
    edge of SMALL_EDGE (``PreparedPhoto.reduced``), so it is not made twice."""
    rgb = np.ascontiguousarray(rgb)
    gray8: U8 = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), np.uint8)
    gray = gray8.astype(np.float32) * np.float32(1.0 / 255.0)
    h, w = gray8.shape
    scale = min(1.0, SMALL_EDGE / max(h, w))
    if small_rgb is None:
        small_rgb = np.asarray(area_downscale(rgb, SMALL_EDGE), np.uint8)
    small_gray8: U8 = np.asarray(cv2.cvtColor(small_rgb, cv2.COLOR_RGB2GRAY), np.uint8)
    dx: F32 = np.asarray(cv2.absdiff(gray[:, 1:], gray[:, :-1]), np.float32)
    dy: F32 = np.asarray(cv2.absdiff(gray[1:, :], gray[:-1, :]), np.float32)
    mean_, std_ = cv2.meanStdDev(gray8)
    mean, std = float(mean_[0, 0]), float(std_[0, 0])
    clipped: U8 = np.asarray(
        cv2.bitwise_or(cv2.inRange(gray8, CLIP_HI, 255), cv2.inRange(gray8, 0, CLIP_LO)), np.uint8
    )
    dx2: F32 = np.asarray(cv2.multiply(dx, dx), np.float32)
    dy2: F32 = np.asarray(cv2.multiply(dy, dy), np.float32)
    return Frame(
        rgb, gray8, gray, small_rgb, small_gray8, scale, dx, dy, dx2, dy2, std, mean, clipped
    )


def tile_mean(a: F32, tiles: tuple[int, int]) -> F32:
    """Mean of ``a`` over a ``(tw, th)`` grid of equal tiles (remainder rows/cols dropped).

    Two reshape-and-sums, rows of tiles first: each reduces over a contiguous axis, about
    4× faster than one sum over the two strided axes (and than an area resize).
    """
    tw, th = tiles
    bh, bw = max(1, a.shape[0] // th), max(1, a.shape[1] // tw)
    rows = a[: bh * th, : bw * tw].reshape(th, bh, tw * bw).sum(axis=1, dtype=np.float32)
    sums = rows.reshape(th, tw, bw).sum(axis=2, dtype=np.float32)
    out: F32 = (sums / np.float32(bh * bw)).astype(np.float32)
    return out
