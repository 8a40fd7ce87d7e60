"""Fixtures for the ingest tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories.photos import make_camera_jpeg


@pytest.fixture(scope="session")
def camera_24mp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One 6000×4000 camera JPEG shared by the tests that need a full-size file."""
    return make_camera_jpeg(tmp_path_factory.mktemp("big") / "IMG_0001.JPG", seed=11)
