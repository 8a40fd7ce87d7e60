"""Bursts built from a real photo: frames of one scene a fraction of a second apart."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from photo_score.ingest.decode import prepare_photo
from tests.factories.photos import build_exif


def save_frame(pixels: np.ndarray, path: Path, when: str, subsec: str) -> None:
    fields = {"DateTimeOriginal": when, "SubSecTimeOriginal": subsec}
    Image.fromarray(pixels).save(path, "JPEG", quality=95, exif=build_exif(fields))


def brighter(pixels: np.ndarray, ev: float) -> np.ndarray:
    linear = (pixels.astype(np.float32) / 255.0) ** 2.2 * np.float32(2.0**ev)
    out: np.ndarray = (np.clip(linear, 0.0, 1.0) ** (1 / 2.2) * 255.0 + 0.5).astype(np.uint8)
    return out


def moto_burst_folder(real_photos: Path, tmp_path: Path) -> Path:
    """moto_ela is a dark edit. Four frames a fifth of a second apart: as shot, a copy the
    meter pushed ¾ EV brighter, a shaken one and a grainy one; and another photo a
    minute later, which belongs to no burst."""
    shot = np.array(prepare_photo(str(real_photos / "moto_ela_original.jpg"), "x").preview)
    folder = tmp_path / "burst"
    folder.mkdir()
    kernel = np.zeros((15, 15), np.float32)
    kernel[7, :] = 1.0 / 15.0
    rng = np.random.default_rng(3)
    frames = {
        "a_as_shot": shot,
        "b_brighter": brighter(shot, 0.75),
        "c_shaken": cv2.filter2D(shot, -1, kernel),
        "d_grainy": np.clip(shot + rng.normal(0, 12, shot.shape), 0, 255).astype(np.uint8),
    }
    for i, (name, pixels) in enumerate(frames.items()):
        save_frame(pixels, folder / f"{name}.jpg", "2024:06:01 18:30:05", f"{200 * i:03d}")
    save_frame(shot, folder / "e_later.jpg", "2024:06:01 18:31:05", "000")
    return folder
