"""area_downscale (the fast two-step area average) and PreparedPhoto.reduced (made once)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from photo_score.ingest.geometry import area_downscale
from photo_score.ingest.prepared import PreparedPhoto
from photo_score.models import PhotoMetadata


def _photo_like(h: int, w: int, seed: int = 0) -> np.ndarray:
    """Smooth gradients plus fine texture: both what an area average must keep and lose."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = 128 + 60 * np.sin(xx / 37.0) * np.cos(yy / 23.0)
    rgb = np.stack([base, base * 0.8 + 20, 255 - base], axis=-1)
    rgb += rng.normal(0, 12, rgb.shape)
    out: np.ndarray = np.clip(rgb, 0, 255).astype(np.uint8)
    return out


@pytest.mark.parametrize(
    ("shape", "max_edge", "expected"),
    [
        ((683, 1024), 384, (256, 384)),  # 2× step, then 512 → 384
        ((683, 1024), 512, (341, 512)),  # exactly the 2× step (odd row dropped)
        ((1024, 683), 384, (384, 256)),  # portrait
        ((427, 640), 384, (256, 384)),  # under 2×: one general step
        ((300, 200), 384, (300, 200)),  # already small: untouched, never upscaled
    ],
)
def test_sizes(shape: tuple[int, int], max_edge: int, expected: tuple[int, int]) -> None:
    out = area_downscale(_photo_like(*shape), max_edge)
    assert out.shape[:2] == expected
    assert out.dtype == np.uint8


def test_two_step_matches_a_one_step_area_average() -> None:
    def both(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        fast = area_downscale(img, 384).astype(np.float32)
        ref = cv2.resize(img, (384, 256), interpolation=cv2.INTER_AREA).astype(np.float32)
        return fast, ref

    smooth = _photo_like(683, 1024)
    smooth = cv2.GaussianBlur(smooth, (0, 0), 2.0)
    fast, ref = both(smooth)
    assert float(np.abs(fast - ref).mean()) < 1.0  # levels: the same low-pass image
    # Fine grain is averaged away about as much as by the one-step resize.
    grain = np.clip(np.random.default_rng(1).normal(128, 20, (683, 1024, 3)), 0, 255)
    fast, ref = both(grain.astype(np.uint8))
    assert 0.85 < float(fast.std()) / float(ref.std()) < 1.15


def test_float_gray_keeps_dtype_and_range() -> None:
    gray = _photo_like(683, 1024)[..., 0].astype(np.float32) / 255.0
    out = area_downscale(gray, 512)
    assert out.dtype == np.float32
    assert float(out.min()) >= 0.0
    assert float(out.max()) <= 1.0


def test_prepared_photo_reduces_once_and_read_only() -> None:
    preview = _photo_like(683, 1024)
    photo = PreparedPhoto("ab" * 32, "x.jpg", PhotoMetadata(), preview)
    small = photo.reduced(384)
    assert small.shape == (256, 384, 3)
    assert photo.reduced(384) is small  # the thumbnail and the analyzer share it
    assert not small.flags.writeable
    assert photo.reduced(512).shape == (341, 512, 3)
    assert photo == PreparedPhoto("ab" * 32, "x.jpg", PhotoMetadata(), preview)
