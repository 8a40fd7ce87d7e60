"""Pixel geometry shared by decoding, thumbnails and the analyzer: sizes, downscaling, EXIF
orientation."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.uint8]
_AREA = cv2.INTER_AREA


def preview_dimensions(width: int, height: int, preview_size: int) -> tuple[int, int]:
    """(width, height) with the long edge scaled down to preview_size; never upscaled."""
    long_edge = max(width, height)
    if long_edge <= preview_size:
        return width, height
    scale = preview_size / long_edge
    return max(1, round(width * scale)), max(1, round(height * scale))


def area_downscale(img: npt.NDArray[Any], max_edge: int) -> npt.NDArray[Any]:
    """Area-average ``img`` until its long edge is at most ``max_edge`` (never upscaled).

    When the target is at most half the size, an exact 2× step goes first (an odd last
    row or column is dropped): OpenCV's integer-factor area path is ~15× faster than its
    general one, which then only has the small remainder to do. A 2× box followed by an
    area resize is an area average too, within a level or so of the one-step result.
    """
    h, w = img.shape[:2]
    if max(h, w) <= max_edge:
        return img
    if max(h, w) >= 2 * max_edge and min(h, w) >= 2:
        img = cv2.resize(img[: h // 2 * 2, : w // 2 * 2], (w // 2, h // 2), interpolation=_AREA)
        h, w = img.shape[:2]
        if max(h, w) <= max_edge:
            return img
    size = preview_dimensions(w, h, max_edge)
    out: npt.NDArray[Any] = cv2.resize(img, size, interpolation=_AREA)
    return out


def apply_orientation(array: Array, orientation: int | None) -> Array:
    """Turn stored pixels into displayed pixels for EXIF orientation 1–8."""
    if orientation is None or orientation == 1:
        return array
    ops = {
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1],
        5: lambda a: a.transpose(1, 0, 2),
        6: lambda a: np.rot90(a, k=-1),
        7: lambda a: a[::-1, ::-1].transpose(1, 0, 2),
        8: lambda a: np.rot90(a, k=1),
    }
    op = ops.get(orientation)
    return np.ascontiguousarray(op(array)) if op else array
