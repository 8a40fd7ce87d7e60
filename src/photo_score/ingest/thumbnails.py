"""Disk cache of small JPEG thumbnails for the UI, made from the decoded preview.

Sharded by the first two hex digits of the image id so no directory holds 100,000 files,
and written atomically (temp file + os.replace) so a crash never leaves a half JPEG that a
browser would cache.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from photo_score.ingest.geometry import area_downscale

_ID_RE = re.compile(r"^[0-9a-f]{8,128}$")


class ThumbnailStore:
    """``root/ab/abcdef….jpg`` thumbnails with a long edge of at most ``size`` pixels."""

    def __init__(self, root: Path, size: int = 384) -> None:
        self.root = Path(root)
        self.size = size

    def path_for(self, image_id: str) -> Path:
        # The id becomes a path: accept only hex so nothing can escape the root.
        if not _ID_RE.match(image_id):
            raise ValueError(f"not an image id (lowercase hex expected): {image_id!r}")
        return self.root / image_id[:2] / f"{image_id}.jpg"

    def exists(self, image_id: str) -> bool:
        return self.path_for(image_id).is_file()

    def write(self, image_id: str, preview: npt.NDArray[np.uint8]) -> Path:
        """Downscale the already-decoded preview (never the file again) and store it."""
        if preview.ndim != 3 or preview.shape[2] != 3 or preview.dtype != np.uint8:
            shape = f"{preview.shape} {preview.dtype}"
            raise ValueError(f"expected an H×W×3 uint8 preview, got {shape}")
        target = self.path_for(image_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        small = np.ascontiguousarray(area_downscale(preview, self.size))
        image = Image.fromarray(small, "RGB")
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".jpg", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                image.save(fh, "JPEG", quality=85, optimize=False)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def clear(self) -> int:
        """Delete every thumbnail; returns how many were removed."""
        if not self.root.is_dir():
            return 0
        removed = 0
        for shard in self.root.iterdir():
            if shard.is_dir() and len(shard.name) == 2:
                removed += sum(1 for p in shard.glob("*.jpg") if not p.name.startswith("."))
                shutil.rmtree(shard, ignore_errors=True)
        return removed
