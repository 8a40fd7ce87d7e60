"""Fixtures for the desktop sidecar: generated photo folders and a real sidecar on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from photo_score_sidecar import SidecarServer
from PIL import Image, ImageFilter

from photo_score.settings import Settings
from tests.cloud import conftest as cloud
from tests.factories.photos import make_camera_jpeg

# The cloud's deployment on PostgreSQL (tests/cloud/conftest.py), for the tests that drive
# the app's account and credits against it; nothing starts unless a test asks.
pg_server = cloud.pg_server
cloud_db = cloud.cloud_db
fake_openrouter = cloud.fake_openrouter
vision_config = cloud.vision_config
cloud_env = cloud.cloud_env


def make_shoot(folder: Path) -> Path:
    """Seven camera JPEGs of varied quality: clean, blurred, dark, bright, rotated."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(3):
        make_camera_jpeg(folder / f"IMG_{i:04d}.jpg", size=(960, 640), seed=i)
    clean = Image.open(folder / "IMG_0000.jpg")
    clean.filter(ImageFilter.GaussianBlur(5)).save(folder / "IMG_0100_blurred.jpg", quality=90)
    pixels = np.asarray(clean, dtype=np.float32)
    Image.fromarray((pixels * 0.15).astype(np.uint8)).save(folder / "IMG_0101_dark.jpg")
    bright = np.clip(pixels * 2.2 + 40, 0, 255).astype(np.uint8)
    Image.fromarray(bright).save(folder / "IMG_0102_bright.jpg")
    clean.close()
    make_camera_jpeg(folder / "IMG_0200_portrait.jpg", size=(960, 640), seed=7, orientation=6)
    return folder


@pytest.fixture(scope="session")
def shoot_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_shoot(tmp_path_factory.mktemp("template") / "shoot")


@pytest.fixture
def shoot(tmp_path: Path, shoot_template: Path) -> Path:
    """A fresh copy of the generated shoot (tests may add files or symlinks)."""
    target = tmp_path / "photos" / "shoot"
    target.mkdir(parents=True)
    for src in sorted(shoot_template.iterdir()):
        (target / src.name).write_bytes(src.read_bytes())
    return target


@dataclass
class Running:
    server: SidecarServer
    client: httpx.Client
    home: Path

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def token(self) -> str:
        return self.server.token


@contextmanager
def run_sidecar(settings: Settings, ui_dir: Path) -> Iterator[Running]:
    """A real sidecar for ``settings`` on 127.0.0.1 (own thread), and a client with the token."""
    server = SidecarServer(settings, use_keyring=False, ui_dir=ui_dir)
    server.start()
    client = httpx.Client(
        base_url=server.url, headers={"authorization": f"Bearer {server.token}"}, timeout=60
    )
    try:
        yield Running(server, client, settings.home)
    finally:
        client.close()
        server.stop()


@pytest.fixture
def sidecar(tmp_path: Path) -> Iterator[Running]:
    """A real sidecar on 127.0.0.1 (own thread) and a client that carries the token."""
    with run_sidecar(Settings(home=tmp_path / "home", workers=2), tmp_path / "no-ui") as running:
        yield running


def read_events(running: Running, *, until: Any, limit: int = 10_000) -> list[dict[str, Any]]:
    """Read ``/api/events`` until ``until(event)`` is true; returns the events read."""
    events: list[dict[str, Any]] = []
    name = None
    with running.client.stream("GET", "/api/events", timeout=120) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                event = {"event": name, **json.loads(line[6:])}
                events.append(event)
                if until(event) or len(events) >= limit:
                    return events
    return events


def job_finished(job_id: str) -> Any:
    def check(event: dict[str, Any]) -> bool:
        return bool(
            event["event"] == "job"
            and event["job"]["id"] == job_id
            and event["job"]["state"] in ("done", "failed", "cancelled")
        )

    return check


def score_folder(running: Running, folder: Path) -> dict[str, Any]:
    """Add ``folder``, run a local job on it, wait for its end over SSE; the final job."""
    assert running.client.post("/api/libraries", json={"path": str(folder)}).status_code == 201
    job = running.client.post("/api/jobs", json={"analyzer": "local"}).json()
    events = read_events(running, until=job_finished(job["id"]))
    final: dict[str, Any] = events[-1]["job"]
    return final
