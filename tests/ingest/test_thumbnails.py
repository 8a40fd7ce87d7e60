from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photo_score.ingest.thumbnails import ThumbnailStore

IMAGE_ID = "ab" + "0123456789abcdef" * 3 + "0123456789abcd"


def preview(h: int = 683, w: int = 1024) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


def test_path_is_sharded(tmp_path: Path) -> None:
    store = ThumbnailStore(tmp_path)
    assert store.path_for(IMAGE_ID) == tmp_path / "ab" / f"{IMAGE_ID}.jpg"


@pytest.mark.parametrize("bad", ["../../etc/passwd", "", "AB12", "xyz"])
def test_path_rejects_non_hex_ids(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError, match="image id"):
        ThumbnailStore(tmp_path).path_for(bad)


def test_write_makes_a_jpeg_from_the_preview(tmp_path: Path) -> None:
    store = ThumbnailStore(tmp_path, size=384)
    assert not store.exists(IMAGE_ID)
    written = store.write(IMAGE_ID, preview())
    assert written == store.path_for(IMAGE_ID)
    assert store.exists(IMAGE_ID)
    with Image.open(written) as im:
        assert im.format == "JPEG"
        assert im.size == (384, 256)
    assert [p.name for p in written.parent.iterdir()] == [written.name]  # no temp left


def test_portrait_and_small_previews(tmp_path: Path) -> None:
    store = ThumbnailStore(tmp_path, size=384)
    with Image.open(store.write(IMAGE_ID, preview(1024, 683))) as im:
        assert im.size == (256, 384)
    small_id = "cd" + IMAGE_ID[2:]
    with Image.open(store.write(small_id, preview(100, 80))) as im:
        assert im.size == (80, 100)  # never upscaled


def test_write_is_atomic_when_encoding_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ThumbnailStore(tmp_path)
    store.write(IMAGE_ID, preview())
    before = store.path_for(IMAGE_ID).read_bytes()

    def broken_save(self: Image.Image, fp: object, *args: object, **kwargs: object) -> None:
        assert hasattr(fp, "write")
        fp.write(b"\xff\xd8partial")  # type: ignore[attr-defined]
        raise OSError("disk full")

    monkeypatch.setattr(Image.Image, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        store.write(IMAGE_ID, preview(500, 500))
    assert store.path_for(IMAGE_ID).read_bytes() == before  # old thumbnail intact
    assert os.listdir(store.path_for(IMAGE_ID).parent) == [f"{IMAGE_ID}.jpg"]


def test_rejects_wrong_preview_shape(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="H×W×3"):
        ThumbnailStore(tmp_path).write(IMAGE_ID, np.zeros((10, 10), np.uint8))


def test_clear_counts_and_removes(tmp_path: Path) -> None:
    store = ThumbnailStore(tmp_path / "thumbs")
    assert store.clear() == 0
    ids = [f"{i:02x}" + IMAGE_ID[2:] for i in (1, 2, 2 * 16 + 1)]
    for image_id in ids:
        store.write(image_id, preview(50, 60))
    assert store.clear() == 3
    assert not any(store.exists(i) for i in ids)
