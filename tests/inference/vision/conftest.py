"""Fixtures of the vision-pipeline tests: a live fake OpenRouter, photos, config, cache."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from photo_score.inference.client import ClientOptions
from photo_score.ingest.identity import sha256_file
from photo_score.scoring.config import ModelSpec, VisionConfig
from photo_score.storage.cache import Cache
from tests.fakes.openrouter import FakeOpenRouter

ALPHA, BETA, GAMMA = "fake/alpha-vl", "fake/beta-vl", "fake/gamma-vl"


@dataclass(frozen=True)
class PhotoRef:
    image_id: str
    path: str


@pytest.fixture(scope="session")
def _server() -> Iterator[FakeOpenRouter]:
    server = FakeOpenRouter().start()
    yield server
    server.stop()


@pytest.fixture
def fake(_server: FakeOpenRouter) -> FakeOpenRouter:
    _server.reset()
    return _server


def make_jpeg(path: Path, seed: int, size: tuple[int, int] = (2400, 1600), **save: Any) -> Path:
    """A photo-like JPEG, different for every seed: small random texture, scaled up."""
    rng = np.random.default_rng(seed)
    small = Image.fromarray(rng.integers(0, 256, (24, 36, 3), dtype=np.uint8), "RGB")
    small.resize(size, Image.Resampling.BICUBIC).save(path, "JPEG", quality=90, **save)
    return path


@pytest.fixture
def photo_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    return folder


def make_photos(folder: Path, n: int, start: int = 0) -> list[PhotoRef]:
    refs = []
    for i in range(start, start + n):
        path = make_jpeg(folder / f"IMG_{i:04d}.jpg", seed=i, size=(1800 + 8 * i, 1200))
        refs.append(PhotoRef(sha256_file(str(path)), str(path)))
    return refs


@pytest.fixture(scope="session")
def photos(tmp_path_factory: pytest.TempPathFactory) -> list[PhotoRef]:
    """Three photos shared by the whole session (tests never modify them)."""
    return make_photos(tmp_path_factory.mktemp("photos"), 3)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Cache]:
    with Cache(tmp_path / "cache.sqlite3") as c:
        yield c


def roster(
    aesthetic: tuple[tuple[str, float], ...] = ((ALPHA, 0.5), (BETA, 0.5)),
    single: str = ALPHA,
    **vision: Any,
) -> VisionConfig:
    """A config whose ensemble tasks use ``aesthetic`` and other tasks use ``single``."""
    pair = tuple(ModelSpec(model=m, weight=w) for m, w in aesthetic)
    one = (ModelSpec(model=single),)
    tasks = {"features": one, "aesthetic": pair, "technical": pair, "metadata": one}
    tasks["critique"] = one
    return VisionConfig(tasks=tasks, **vision)


def options(fake: FakeOpenRouter, **overrides: Any) -> ClientOptions:
    """Fast-retry options pointed at the fake; ``local=False`` so cost paths are exercised."""
    base: dict[str, Any] = {
        "base_url": fake.url,
        "api_key": fake.api_key,
        "local": False,
        "max_concurrency": 8,
        "requests_per_minute": 10_000,
        "timeout_s": 5.0,
        "max_retries": 3,
        "backoff_base_s": 0.01,
        "backoff_cap_s": 0.05,
    }
    base.update(overrides)
    return ClientOptions(**base)
