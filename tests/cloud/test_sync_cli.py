"""`photo-score login | sync | logout` against the real cloud API."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import httpx
import pytest

from photo_score.cli import main
from tests.cloud.helpers import CloudDb, InProcessServer, signup
from tests.factories.photos import make_camera_jpeg
from tests.fakes.openrouter import FakeOpenRouter
from tests.sync.devices import PASSWORD


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: InProcessServer) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("PHOTO_SCORE_HOME", str(home))
    monkeypatch.setenv("PHOTO_SCORE_CLOUD_URL", server.url)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")  # never the
    return home  # user's real keyring: the 0600 file in this home


def test_login_sync_logout(
    cli_home: Path,
    client: httpx.Client,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    email = f"{uuid.uuid4().hex[:10]}@example.test"
    signup(client, email, PASSWORD)
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong password\n"))
    assert main(["login", "--email", email, "--password-stdin"]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["login", "--email", email, "--password-stdin"]) == 0
    assert "signed in to http" in capsys.readouterr().out
    secrets = cli_home / "secrets.json"
    assert secrets.stat().st_mode & 0o777 == 0o600
    assert "refresh_token" in secrets.read_text(encoding="utf-8")

    photos = tmp_path / "photos"
    photos.mkdir()
    for seed in range(2):
        make_camera_jpeg(photos / f"{seed}.jpg", size=(320, 240), seed=seed)
    assert main(["score", str(photos), "--analyzer", "local", "--quiet", "-f", "json"]) == 0
    capsys.readouterr()
    assert main(["sync", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["pushed"], report["conflicts"]) == (2, 0)
    assert main(["sync"]) == 0
    assert "pushed 0 · pulled 0 · conflicts 0" in capsys.readouterr().out

    assert main(["logout"]) == 0
    assert "signed out" in capsys.readouterr().out
    assert "refresh_token" not in secrets.read_text(encoding="utf-8")
    assert main(["sync"]) == 2  # not signed in: a clear usage error
    assert "photo-score login" in capsys.readouterr().err


def test_score_auto_signed_in_uses_credits_then_the_local_analyzer(
    cli_home: Path,
    client: httpx.Client,
    cloud_db: CloudDb,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    openrouter: FakeOpenRouter,
) -> None:
    email = f"{uuid.uuid4().hex[:10]}@example.test"
    session = signup(client, email, PASSWORD)
    cloud_db.set_balance(session["user"]["id"], 1)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["login", "--email", email, "--password-stdin"]) == 0
    photos = tmp_path / "photos"
    photos.mkdir()
    for seed in range(3):
        make_camera_jpeg(photos / f"{seed}.jpg", size=(320, 240), seed=seed)
    capsys.readouterr()
    assert main(["score", str(photos), "--dry-run"]) == 0
    assert "at most 3 cloud credits" in capsys.readouterr().out
    assert main(["score", str(photos), "--quiet", "-f", "json"]) == 0  # --analyzer auto
    out = json.loads(capsys.readouterr().out)
    photos_out = out["photos"]
    assert len(photos_out) == 3  # every photo ranked: 1 by the cloud, 2 by the local fallback
    assert cloud_db.balance(session["user"]["id"]) == 0
