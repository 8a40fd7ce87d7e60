"""Pixel geometry shared by decoding and thumbnails: preview sizes and EXIF orientation."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.uint8]


def preview_dimensions(width: int, height: int, preview_size: int) -> tuple[int, int]:
    """(width, height) with the long edge scaled down to preview_size; never upscaled."""
    long_edge = max(width, height)
    if long_edge <= preview_size:
        return width, height
    scale = preview_size / long_edge
    return max(1, round(width * scale)), max(1, round(height * scale))


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
