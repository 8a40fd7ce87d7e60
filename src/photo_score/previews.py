"""Large, oriented JPEG previews of originals for the viewer, made once and kept on disk."""

from __future__ import annotations

import os
from pathlib import Path

from photo_score.ingest.decode import prepare_photo
from photo_score.ingest.identity import sha256_file
from photo_score.ingest.thumbnails import ThumbnailStore
from photo_score.storage.cache import Cache

PREVIEW_SIZE = 2048


def preview_store(home: Path, size: int = PREVIEW_SIZE) -> ThumbnailStore:
    """Previews share the thumbnails' sharded, atomic layout, in their own folder."""
    return ThumbnailStore(home / "previews", size)


def image_id_for(path: str, cache: Cache) -> str:
    """The content id of ``path``: from the path index when the file is unchanged."""
    known = cache.lookup_paths([path]).get(path)
    st = os.stat(path)
    if known is not None and (known.size, known.mtime_ns) == (st.st_size, st.st_mtime_ns):
        return known.image_id
    return sha256_file(path)


def ensure_preview(
    path: str, image_id: str, store: ThumbnailStore, *, max_pixels: int = 250_000_000
) -> Path:
    """The preview JPEG of ``path`` (decoded, oriented, long edge ≤ store.size), cached."""
    if store.exists(image_id):
        return store.path_for(image_id)
    photo = prepare_photo(path, image_id, preview_size=store.size, max_pixels=max_pixels)
    return store.write(image_id, photo.preview)
