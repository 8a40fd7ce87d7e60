"""The sidecar refuses everyone but this launch's token holder, from its own origin, and
serves files only from library folders. Every refusal uses the one error shape."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.desktop.conftest import Running, score_folder
from tests.factories.photos import make_camera_jpeg


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert "access-control-allow-origin" not in response.headers
    return body


def test_listens_on_loopback_only(sidecar: Running) -> None:
    assert sidecar.url.startswith("http://127.0.0.1:")
    sock = sidecar.server._sock
    assert sock.getsockname() == ("127.0.0.1", sidecar.server.port)
    # A TCP socket with TCP_NODELAY (else asyncio leaves Nagle on: ~40 ms per response).
    assert sock.proto == socket.IPPROTO_TCP
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


@pytest.mark.parametrize("path", ["/api/health", "/api/photos", "/api/events", "/", "/x.js"])
def test_no_token(sidecar: Running, path: str) -> None:
    refused(httpx.get(sidecar.url + path), 401, "unauthorized")


def test_wrong_token(sidecar: Running) -> None:
    wrong = sidecar.token[:-2] + ("AA" if not sidecar.token.endswith("AA") else "BB")
    refused(
        httpx.get(sidecar.url + "/api/health", headers={"authorization": f"Bearer {wrong}"}),
        401,
        "unauthorized",
    )
    refused(httpx.get(sidecar.url + "/api/health", params={"token": wrong}), 401, "unauthorized")
    cookie = {"cookie": f"photo_score_token_{sidecar.server.port}={wrong}"}
    refused(httpx.get(sidecar.url + "/api/health", headers=cookie), 401, "unauthorized")


def test_token_url_becomes_a_strict_httponly_cookie(sidecar: Running) -> None:
    first = httpx.get(sidecar.url + "/", params={"token": sidecar.token, "view": "grid"})
    assert first.status_code == 303
    assert first.headers["location"] == "/?view=grid"  # the token leaves the address bar
    cookie = first.headers["set-cookie"]
    assert f"photo_score_token_{sidecar.server.port}={sidecar.token}" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    with httpx.Client(base_url=sidecar.url, cookies=first.cookies) as browser:
        assert browser.get("/api/health").status_code == 200


def test_token_in_url_is_not_accepted_for_writes(sidecar: Running, tmp_path: Path) -> None:
    response = httpx.post(
        sidecar.url + "/api/libraries", params={"token": sidecar.token}, json={"path": "/tmp"}
    )
    refused(response, 401, "unauthorized")


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "null", "http://127.0.0.1:1", "http://localhost.evil.example"],
)
def test_foreign_origin(sidecar: Running, origin: str) -> None:
    for method, path in (("GET", "/api/photos"), ("GET", "/api/events"), ("POST", "/api/jobs")):
        response = sidecar.client.request(method, path, headers={"origin": origin}, json={})
        refused(response, 403, "bad_origin")


def test_own_origin_is_accepted(sidecar: Running) -> None:
    own = sidecar.client.get("/api/health", headers={"origin": sidecar.url})
    assert own.status_code == 200


def test_cross_site_fetch_metadata(sidecar: Running) -> None:
    for site in ("cross-site", "same-site"):
        response = sidecar.client.get("/api/photos", headers={"sec-fetch-site": site})
        refused(response, 403, "bad_origin")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", ""])
def test_bad_host_header(sidecar: Running, host: str) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host."""
    response = sidecar.client.get(
        "/api/health", headers={"host": host.format(port=sidecar.server.port)}
    )
    refused(response, 403, "bad_host")


def test_localhost_host_is_accepted(sidecar: Running) -> None:
    response = sidecar.client.get(
        "/api/health", headers={"host": f"localhost:{sidecar.server.port}"}
    )
    assert response.status_code == 200


def test_no_cors_preflight(sidecar: Running) -> None:
    response = httpx.options(
        sidecar.url + "/api/photos",
        headers={"origin": "http://evil.example", "access-control-request-method": "GET"},
    )
    refused(response, 403, "bad_origin")


@pytest.fixture
def library(sidecar: Running, shoot: Path, tmp_path: Path) -> dict[str, Path]:
    """A scored library folder, plus a photo outside it and a symlink escaping it."""
    outside = tmp_path / "private"
    outside.mkdir()
    secret = make_camera_jpeg(outside / "secret.jpg", size=(320, 240), seed=42)
    os.symlink(secret, shoot / "link_to_secret.jpg")
    os.symlink(outside, shoot / "linked_dir")
    score_folder(sidecar, shoot)
    return {"shoot": shoot, "secret": secret}


def test_preview_by_path_inside_the_library(sidecar: Running, library: dict[str, Path]) -> None:
    ok = sidecar.client.get(
        "/api/files/preview", params={"path": str(library["shoot"] / "IMG_0001.jpg")}
    )
    assert ok.status_code == 200
    assert ok.content[:3] == b"\xff\xd8\xff"


def test_preview_refuses_outside_paths(sidecar: Running, library: dict[str, Path]) -> None:
    shoot, secret = library["shoot"], library["secret"]
    attempts = [
        str(secret),  # plainly outside
        str(shoot / ".." / ".." / "private" / "secret.jpg"),  # `..` traversal
        str(shoot / "link_to_secret.jpg"),  # a symlink escaping the library
        str(shoot / "linked_dir" / "secret.jpg"),  # a symlinked folder escaping it
        "/etc/passwd",
        str(shoot) + "/../../home/sidecar.json",
    ]
    for path in attempts:
        response = sidecar.client.get("/api/files/preview", params={"path": path})
        refused(response, 403, "outside_library")
    refused(sidecar.client.get("/api/files/preview", params={"path": "a\x00b"}), 400, "bad_request")


def test_photo_routes_never_read_files_outside(sidecar: Running, library: dict[str, Path]) -> None:
    """The symlinked photo was indexed under a library path, but its real file is outside:
    its preview and its thumbnail are refused."""
    items = sidecar.client.get("/api/photos", params={"q": "link_to_secret"}).json()["items"]
    assert len(items) == 1  # discovery follows the link, so the photo is in the grid
    image_id = items[0]["image_id"]
    refused(sidecar.client.get(f"/api/photos/{image_id}/preview"), 404, "not_found")
    refused(sidecar.client.get(f"/api/photos/{image_id}/thumbnail"), 404, "not_found")
    assert not list((sidecar.home / "previews").rglob(f"{image_id}.jpg"))


def test_jobs_refuse_folders_outside_the_library(
    sidecar: Running, library: dict[str, Path]
) -> None:
    shoot = library["shoot"]
    for folder in (str(shoot / ".."), str(shoot / "linked_dir"), "/"):
        response = sidecar.client.post("/api/jobs", json={"folder": folder})
        refused(response, 403, "outside_library")


def test_unknown_image_ids(sidecar: Running, library: dict[str, Path]) -> None:
    refused(sidecar.client.get("/api/photos/" + "0" * 64 + "/thumbnail"), 404, "not_found")
    refused(sidecar.client.get("/api/photos/..%2F..%2Fetc%2Fpasswd/thumbnail"), 404, "not_found")
    refused(sidecar.client.get("/api/photos/NOT-HEX/preview"), 422, "invalid_request")
