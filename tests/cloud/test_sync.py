"""/sync/attributes and /sync/status against the real API on a real PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.cloud.helpers import CloudDb, bearer, signup

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def image_id(n: int) -> str:
    return hashlib.sha256(f"image-{n}".encode()).hexdigest()


def record(n: int, *, at: datetime = T0, value: float = 0.5, **extra: Any) -> dict[str, Any]:
    return {
        "image_id": image_id(n),
        "analyzer": "local",
        "model": "heuristic-v1",
        "version": "1",
        "attributes": {"composition": value, "sharpness": value},
        "analysis": {"features": {"scene_type": "landscape"}, "notes": {}},
        "metadata": {
            "camera_make": f"Cam{n}",
            "width": 10,
            "height": 10,
            "gps_lat": 48.1,
            "gps_lon": 11.5,
        },
        "scored_at": at.isoformat(),
        **extra,
    }


@pytest.fixture
def auth(client: httpx.Client) -> dict[str, str]:
    return bearer(signup(client)["access_token"])


def push(client: httpx.Client, auth: dict[str, str], records: list[dict[str, Any]]) -> Any:
    response = client.post("/sync/attributes", json={"records": records}, headers=auth)
    assert response.status_code == 200, response.text
    return response.json()


def test_push_pull_status(client: httpx.Client, auth: dict[str, str]) -> None:
    out = push(client, auth, [record(n) for n in range(5)])
    assert (out["applied"], out["unchanged"], out["conflicts"]) == (5, 0, 0)
    page = client.get("/sync/attributes", params={"since": 0, "limit": 3}, headers=auth).json()
    assert [r["image_id"] for r in page["records"]] == [image_id(n) for n in range(3)]
    assert page["has_more"] is True
    seqs = [r["seq"] for r in page["records"]]
    assert seqs == sorted(seqs)
    rest = client.get("/sync/attributes", params={"since": page["next_since"]}, headers=auth).json()
    assert [r["image_id"] for r in rest["records"]] == [image_id(3), image_id(4)]
    assert rest["has_more"] is False
    status = client.get("/sync/status", headers=auth).json()
    assert status["count"] == 5
    assert status["last_seq"] == rest["next_since"]
    assert status["last_change"] is not None
    empty = client.get("/sync/attributes", params={"since": status["last_seq"]}, headers=auth)
    assert empty.json() == {"records": [], "next_since": status["last_seq"], "has_more": False}


def test_newer_wins_ties_to_server_and_conflicts_return_server_copy(
    client: httpx.Client, auth: dict[str, str]
) -> None:
    push(client, auth, [record(1, value=0.5), record(2, value=0.5)])
    out = push(
        client,
        auth,
        [
            record(1, at=T0 + timedelta(seconds=1), value=0.9),  # newer: wins
            record(2, at=T0, value=0.1),  # same time, different content: server keeps its own
        ],
    )
    by_id = {r["image_id"]: r for r in out["results"]}
    assert by_id[image_id(1)]["status"] == "applied"
    assert by_id[image_id(2)]["status"] == "conflict"
    assert by_id[image_id(2)]["server"]["attributes"]["composition"] == 0.5
    older = push(client, auth, [record(1, at=T0, value=0.2)])
    assert older["results"][0]["status"] == "conflict"
    assert older["results"][0]["server"]["attributes"]["composition"] == 0.9


def test_retried_push_is_unchanged_and_creates_no_new_sequence(
    client: httpx.Client, auth: dict[str, str], cloud_db: CloudDb
) -> None:
    batch = [record(n) for n in range(10, 20)]
    first = push(client, auth, batch)
    again = push(client, auth, batch)
    assert again["unchanged"] == 10
    assert again["applied"] == 0
    assert again["conflicts"] == 0
    assert [r["seq"] for r in again["results"]] == [r["seq"] for r in first["results"]]
    count = cloud_db.scalar(
        "SELECT count(*) FROM cached_attributes WHERE image_id = ANY(%s)",
        [[image_id(n) for n in range(10, 20)]],
    )
    assert count == 10


def test_gps_only_when_opted_in(client: httpx.Client, auth: dict[str, str]) -> None:
    push(client, auth, [record(30), record(31, share_location=True)])
    records = client.get("/sync/attributes", headers=auth).json()["records"]
    meta = {r["image_id"]: r["metadata"] for r in records}
    assert "gps_lat" not in meta[image_id(30)]
    assert meta[image_id(30)]["camera_make"] == "Cam30"
    assert meta[image_id(31)]["gps_lat"] == 48.1


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"scored_at": "2026-05-01T12:00:00"}, "timezone"),
        ({"image_id": "nothex"}, "image_id"),
        ({"attributes": {"composition": 1.5}}, "outside"),
        ({"attributes": {"charm": 0.5}}, "unknown attribute"),
        ({"metadata": {"width": "wide"}}, "width"),
        ({"analysis": {"confidence": "high"}}, "confidence"),
        ({"analyzer": "lo\u0000cal"}, "NUL"),
        ({"analysis": {"features": {"scene_type": "\ud800"}}}, "Unicode"),
    ],
)
def test_invalid_records_are_422(
    client: httpx.Client, auth: dict[str, str], change: dict[str, Any], fragment: str
) -> None:
    body = json.dumps({"records": [{**record(40), **change}]})  # ASCII: escapes survive
    response = client.post(
        "/sync/attributes",
        content=body,
        headers={**auth, "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert fragment in response.text


def test_batch_limit_and_auth(client: httpx.Client, auth: dict[str, str]) -> None:
    too_many = [record(n) for n in range(1001)]
    assert (
        client.post("/sync/attributes", json={"records": too_many}, headers=auth).status_code == 422
    )
    assert client.get("/sync/attributes").status_code == 401
    assert client.post("/sync/attributes", json={"records": []}).status_code == 401


def test_users_never_see_each_other(client: httpx.Client) -> None:
    alice, bob = bearer(signup(client)["access_token"]), bearer(signup(client)["access_token"])
    push(client, alice, [record(50, value=0.7)])
    push(client, bob, [record(50, value=0.2, at=T0 - timedelta(days=1))])  # same image, own row
    assert client.get("/sync/status", headers=bob).json()["count"] == 1
    mine = client.get("/sync/attributes", headers=bob).json()["records"]
    assert [r["attributes"]["composition"] for r in mine] == [0.2]


def test_future_times_are_clamped_to_the_server_clock(
    client: httpx.Client, auth: dict[str, str]
) -> None:
    future = datetime.now(UTC) + timedelta(days=365)
    out = push(client, auth, [record(60, at=future)])
    stored = datetime.fromisoformat(out["results"][0]["scored_at"])
    assert stored < future - timedelta(days=300)
    # A later honest edit from another device is not pinned behind the fast clock.
    later = push(client, auth, [record(60, at=datetime.now(UTC) + timedelta(seconds=1))])
    assert later["results"][0]["status"] == "applied"
