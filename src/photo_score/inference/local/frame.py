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

F32 = npt.NDArray[np.float32]
U8 = npt.NDArray[np.uint8]

SMALL_EDGE = 384


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
    luma_std: float  # RMS contrast of the luma, 8-bit levels

    @property
    def height(self) -> int:
        return int(self.gray.shape[0])

    @property
    def width(self) -> int:
        return int(self.gray.shape[1])


def make_frame(rgb: U8) -> Frame:
    rgb = np.ascontiguousarray(rgb)
    gray8: U8 = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), np.uint8)
    gray = gray8.astype(np.float32) * np.float32(1.0 / 255.0)
    h, w = gray8.shape
    scale = min(1.0, SMALL_EDGE / max(h, w))
    if scale < 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        small_rgb: U8 = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), np.uint8)
    else:
        small_rgb = rgb
    small_gray8: U8 = np.asarray(cv2.cvtColor(small_rgb, cv2.COLOR_RGB2GRAY), np.uint8)
    dx: F32 = np.asarray(cv2.absdiff(gray[:, 1:], gray[:, :-1]), np.float32)
    dy: F32 = np.asarray(cv2.absdiff(gray[1:, :], gray[:-1, :]), np.float32)
    std = float(cv2.meanStdDev(gray8)[1][0, 0])
    return Frame(rgb, gray8, gray, small_rgb, small_gray8, scale, dx, dy, std)


def tile_mean(a: F32, tiles: tuple[int, int]) -> F32:
    """Mean of ``a`` over a ``(tw, th)`` grid of equal tiles (remainder rows/cols dropped).

    A reshape-and-sum: several times cheaper than an area resize by a non-integer factor.
    """
    tw, th = tiles
    bh, bw = max(1, a.shape[0] // th), max(1, a.shape[1] // tw)
    blocks = a[: bh * th, : bw * tw].reshape(th, bh, tw, bw)
    out: F32 = (blocks.sum(axis=(1, 3), dtype=np.float32) / np.float32(bh * bw)).astype(np.float32)
    return out
