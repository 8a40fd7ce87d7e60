"""Real photos as PreparedPhoto, plus degraded and painted variants.

Previews are decoded exactly like the product does (``prepare_photo``); variants are
made on the preview, which is what the analyzer sees.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from photo_score.inference.local import LocalAnalyzer
from photo_score.ingest.decode import prepare_photo
from photo_score.ingest.prepared import PreparedPhoto


@pytest.fixture(scope="session")
def analyzer() -> LocalAnalyzer:
    return LocalAnalyzer()


@pytest.fixture(scope="session")
def load(real_photos: Path) -> Callable[[str], PreparedPhoto]:
    cache: dict[str, PreparedPhoto] = {}

    def _load(name: str) -> PreparedPhoto:
        if name not in cache:
            cache[name] = prepare_photo(str(real_photos / name), name, preview_size=1024)
        return cache[name]

    return _load
