"""/configs: CRUD, validation by the core, privacy between users."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.cloud.helpers import bearer, signup

GOOD = {"name": "portraits", "weights": {"aesthetic": {"composition": 0.5}}}


@pytest.fixture
def owner(client: httpx.Client) -> dict[str, str]:
    return bearer(signup(client)["access_token"])


def create(client: httpx.Client, headers: dict[str, str], **body: Any) -> httpx.Response:
    return client.post("/configs", json={"name": "mine", "config": GOOD, **body}, headers=headers)


def test_crud(client: httpx.Client, owner: dict[str, str]) -> None:
    created = create(client, owner)
    assert created.status_code == 201, created.text
    item = created.json()
    assert (item["name"], item["config"], item["is_public"]) == ("mine", GOOD, False)
    assert client.get(f"/configs/{item['id']}", headers=owner).json() == item
    listed = client.get("/configs", headers=owner).json()
    assert (listed["count"], listed["data"][0]["id"]) == (1, item["id"])
    patched = client.patch(f"/configs/{item['id']}", json={"name": "renamed"}, headers=owner)
    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["config"]) == ("renamed", GOOD)
    assert client.delete(f"/configs/{item['id']}", headers=owner).status_code == 204
    assert client.get(f"/configs/{item['id']}", headers=owner).status_code == 404


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        ({"name": "x", "weights": {"aesthetic": {"composition": "heavy"}}}, "composition"),
        ({"name": "x", "no_such_key": 1}, "no_such_key"),
        ({"weights": {}}, "name"),
    ],
)
def test_invalid_configs_name_the_problem(
    client: httpx.Client, owner: dict[str, str], config: dict[str, Any], needle: str
) -> None:
    response = client.post("/configs", json={"name": "bad", "config": config}, headers=owner)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_config"
    assert needle in response.json()["error"]["message"]


def test_is_public_is_reserved(client: httpx.Client, owner: dict[str, str]) -> None:
    refused = create(client, owner, is_public=True)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "public_not_available"
    item = create(client, owner).json()
    patch = client.patch(f"/configs/{item['id']}", json={"is_public": True}, headers=owner)
    assert patch.status_code == 422


def test_configs_are_private(client: httpx.Client, owner: dict[str, str]) -> None:
    item = create(client, owner).json()
    other = bearer(signup(client)["access_token"])
    url = f"/configs/{item['id']}"
    assert client.get(url, headers=other).status_code == 404
    assert client.patch(url, json={"name": "stolen"}, headers=other).status_code == 404
    assert client.delete(url, headers=other).status_code == 404
    assert client.get("/configs", headers=other).json() == {"data": [], "count": 0}
    assert client.get(url, headers=owner).json()["name"] == "mine"


def test_unknown_and_malformed_ids(client: httpx.Client, owner: dict[str, str]) -> None:
    assert client.get(f"/configs/{uuid.uuid4()}", headers=owner).status_code == 404
    assert client.get("/configs/not-a-uuid", headers=owner).status_code == 422
