"""Fixtures for driving the CLI in-process against generated photo folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories.photos import make_camera_jpeg


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Six camera-like JPEGs: one clean, the rest visibly worse in known ways."""
    import numpy as np
    from PIL import Image, ImageFilter

    base = tmp_path / "shoot"
    base.mkdir()
    for i in range(3):
        make_camera_jpeg(base / f"IMG_{i:04d}.jpg", size=(1200, 800), seed=i)
    clean = Image.open(base / "IMG_0000.jpg")
    clean.filter(ImageFilter.GaussianBlur(6)).save(base / "IMG_0100_blurred.jpg", quality=90)
    dark = (np.asarray(clean, dtype=np.float32) * 0.12).astype(np.uint8)
    Image.fromarray(dark).save(base / "IMG_0101_dark.jpg", quality=90)
    sub = base / "day2"
    sub.mkdir()
    make_camera_jpeg(sub / "IMG_0200.jpg", size=(1200, 800), seed=9)
    return base
