"""Fixtures for driving the CLI in-process against generated photo folders."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from photo_score.cli import main
from tests.factories.photos import make_camera_jpeg


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def run_cli(photo_home: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    def run(*args: str) -> CliResult:
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


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
