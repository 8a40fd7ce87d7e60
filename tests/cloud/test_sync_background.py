"""The desktop sidecar's background sync and GET /api/account, against the real cloud."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
from photo_score_sidecar.server import SidecarServer
from photo_score_sidecar.sync_worker import BackgroundSync

from photo_score.credentials import CredentialStore
from photo_score.settings import Settings
from tests.cloud.helpers import InProcessServer, signup
from tests.sync.devices import PASSWORD, Device, FlakyNetwork


def wait_until(check: Callable[[], bool], *, timeout: float = 60.0) -> None:
    """Poll (the worker runs on its own thread); fails the test only if it never happens."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def signed_in_device(tmp_path: Path, client: httpx.Client, url: str) -> Device:
    email = f"{uuid.uuid4().hex[:10]}@example.test"
    signup(client, email, PASSWORD)
    device = Device(tmp_path / "home", url)
    device.login(email)
    return device


def test_offline_backs_off_then_syncs_when_the_network_returns(
    tmp_path: Path, client: httpx.Client, server: InProcessServer
) -> None:
    device = signed_in_device(tmp_path, client, server.url)
    device.add_photos(range(3))
    device.score()
    network = FlakyNetwork()
    network.down = True
    worker = BackgroundSync(
        Settings(home=device.home, cloud_url=server.url),
        device.cache,
        CredentialStore(device.home, use_keyring=False),
        transport=network,
    ).start()
    try:
        wait_until(lambda: worker.status().consecutive_failures >= 2)
        status = worker.status()
        assert status.state == "offline"
        assert status.pending == 3
        assert status.last_error is not None
        network.down = False
        worker.nudge()
        wait_until(lambda: worker.status().state == "idle")
        status = worker.status()
        assert status.pending == 0
        assert status.last_sync_at is not None
        assert status.consecutive_failures == 0
    finally:
        worker.close()
        device.close()
        network.close()


def test_the_sidecar_reports_sync_state_through_the_account_endpoint(
    tmp_path: Path, client: httpx.Client, server: InProcessServer
) -> None:
    device = signed_in_device(tmp_path, client, server.url)
    device.add_photos(range(2))
    device.score()
    settings = Settings(home=device.home, cloud_url=server.url, workers=2)
    sidecar = SidecarServer(settings, use_keyring=False, ui_dir=tmp_path / "no-ui")
    sidecar.start()
    try:
        with httpx.Client(
            base_url=sidecar.url, headers={"authorization": f"Bearer {sidecar.token}"}
        ) as api:

            def synced() -> bool:
                body = api.get("/api/account").json()
                return bool(body["sync"]["state"] == "idle" and body["sync"]["last_sync_at"])

            wait_until(synced)
            body = api.get("/api/account").json()
            assert body["available"] is True
            assert body["signed_in"] is True
            assert body["server_url"] == server.url
            assert body["sync"]["pending"] == 0
            assert body["sync"]["last_error"] is None
    finally:
        sidecar.stop()
        device.close()
