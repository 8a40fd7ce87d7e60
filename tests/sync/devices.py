"""Devices for the sync tests: each one its own PHOTO_SCORE_HOME, cache and cloud client."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from photo_score.credentials import CredentialStore
from photo_score.inference.registry import local_spec
from photo_score.pipeline import AnalyzeReport, analyze_paths
from photo_score.settings import Settings
from photo_score.storage.cache import Cache
from photo_score.sync.client import SyncClient, SyncReport
from photo_score.sync.session import CloudClient, SessionStore
from tests.factories.photos import make_camera_jpeg

PASSWORD = "correct horse battery"


class FlakyNetwork(httpx.BaseTransport):
    """The real network, except when told to be down or to drop a push's response after the
    server has handled it (the commit happened, the device never hears about it)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.down = False
        self.drop_push_responses = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("network is down", request=request)
        response = self.inner.handle_request(request)
        if (
            self.drop_push_responses
            and request.method == "POST"
            and request.url.path == "/sync/attributes"
        ):
            response.read()
            response.close()
            self.drop_push_responses -= 1
            raise httpx.ReadError("connection dropped", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


@dataclass
class Device:
    home: Path
    server_url: str
    network: FlakyNetwork = field(default_factory=FlakyNetwork)

    def __post_init__(self) -> None:
        self.settings = Settings(home=self.home, workers=2, preview_size=512)
        self.cache = Cache(self.settings.cache_path)
        self.cloud = CloudClient(
            self.server_url,
            SessionStore(CredentialStore(self.home, use_keyring=False)),
            transport=self.network,
            timeout=30,
        )
        self.photos = self.home / "photos"
        self.photos.mkdir(parents=True, exist_ok=True)

    def login(self, email: str, password: str = PASSWORD) -> None:
        session = self.cloud.login(email, password)
        self.cache.sync_set_active(session.namespace)

    def logout(self) -> None:
        self.cloud.logout()
        self.cache.sync_set_active(None)

    def sync(self, *, share_location: bool = False) -> SyncReport:
        return SyncClient(self.cache, self.cloud, share_location=share_location).sync()

    def add_photos(self, seeds: range | list[int]) -> list[Path]:
        return [
            make_camera_jpeg(self.photos / f"p{seed}.jpg", size=(320, 240), seed=seed)
            for seed in seeds
        ]

    def copy_photos_from(self, other: Device) -> None:
        for path in other.photos.glob("*.jpg"):
            shutil.copy2(path, self.photos / path.name)

    def score(self) -> AnalyzeReport:
        return analyze_paths(
            [str(self.photos)], cache=self.cache, spec=local_spec(), settings=self.settings
        )

    def close(self) -> None:
        self.cloud.close()
        self.cache.close()
