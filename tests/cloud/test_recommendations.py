"""/recommendations: the cloud personality equals the core's on the same results, is private
to its owner, is cached until the data changes, and is recomputed by the job worker."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import httpx
import pytest
from photo_score_cloud.db import Database
from photo_score_cloud.jobs import make_app, run_worker
from photo_score_cloud.repository import recommendations as repo
from photo_score_cloud.settings import CloudSettings
from psycopg.types.json import Jsonb

from photo_score.recommendations import VERSION, personality_from_records
from tests.cloud.helpers import CloudDb, analyze_body, bearer, image_bytes, signup
from tests.fakes.openrouter import FakeOpenRouter
from tests.recommendations.conftest import make_records

Record = dict[str, Any]


def portrait_heavy(n: int, *, seed: int = 11, offset: int = 0) -> list[Record]:
    """A collection with tendencies the profile names: mostly centred, dark portraits, weak
    exposure, dated over several months, with measurements like the local analyzer's."""

    def features(i: int) -> dict[str, Any]:
        return {
            "scene_type": "portrait" if i % 4 else "landscape",
            "subject_position": "center" if i % 5 else "rule_of_thirds",
            "lighting": "low_key" if i % 3 else "natural",
            "technical_issues": ["noise"] if i % 6 == 0 else ["none"],
        }

    def measurements(i: int) -> dict[str, float]:
        return {
            "luma_p50": 0.25 + (i % 7) * 0.01,
            "contrast_rms": 0.2 + (i % 5) * 0.02,
            "centre_distance": 0.05 + (i % 4) * 0.02,
            "thirds_distance": 0.2,
            "subject_area": 0.3 + (i % 3) * 0.05,
            "clutter": 0.1 + (i % 9) * 0.03,
        }

    def attributes(i: int, attrs: dict[str, float]) -> dict[str, float]:
        return {**attrs, "exposure_balance": round(attrs["exposure_balance"] - 0.2, 4)}

    records = make_records(
        n,
        seed=seed,
        features=features,
        measurements=measurements,
        attributes=attributes,
        capture_time=lambda i: f"2024-{1 + i % 6:02d}-15T12:00:00+01:00",
    )
    for k, r in enumerate(records):
        r["image_id"] = f"{offset + k:064x}"
    return records


def insert(cloud_db: CloudDb, user_id: str, records: list[Record]) -> None:
    """Store records the way the cloud holds results: features and measurements in the
    `analysis` JSON, the capture time in `metadata`."""
    for r in records:
        cloud_db.query(
            "INSERT INTO cached_attributes (user_id, image_id, attributes, analysis, metadata, "
            "analyzer, scored_at) VALUES (%s, %s, %s, %s, %s, %s, now())",
            [
                user_id,
                r["image_id"],
                Jsonb(r["attributes"]),
                Jsonb({"features": r["features"], "measurements": r["measurements"]}),
                Jsonb({"capture_time": r["capture_time"]}),
                r["analyzer"],
            ],
        )


def new_user(client: httpx.Client) -> tuple[str, dict[str, str]]:
    session = signup(client)
    return session["user"]["id"], bearer(session["access_token"])


def get_personality(client: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get("/recommendations/personality", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def local_json(records: list[Record]) -> str:
    return json.dumps(personality_from_records(records).model_dump(mode="json"))


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/recommendations/personality"), ("POST", "/recommendations/refresh")],
)
@pytest.mark.parametrize("token", [None, "not-a-jwt"])
def test_auth_is_required(client: httpx.Client, method: str, path: str, token: str | None) -> None:
    headers = bearer(token) if token else {}
    response = client.request(method, path, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] in {"missing_token", "invalid_token", "unauthorized"}


def test_profile_matches_the_local_computation(client: httpx.Client, cloud_db: CloudDb) -> None:
    uid, headers = new_user(client)
    records = portrait_heavy(80)
    shuffled = records[:]
    random.Random(3).shuffle(shuffled)  # insertion order must not matter
    insert(cloud_db, uid, shuffled)

    body = get_personality(client, headers)
    assert json.dumps(body["profile"]) == local_json(records)  # same bytes, same key order
    assert body["photo_count"] == 80 == body["profile"]["photo_count"]
    assert body["profile"]["version"] == VERSION
    assert body["suggestions"] == body["profile"]["recommendations"]
    assert body["suggestions"]  # 80 photos with planted tendencies: there is advice
    assert {s["type"] for s in body["suggestions"]} >= {"weakness"}
    assert body["profile"]["confidence"] == "medium"


def test_profile_from_analyses_matches_the_local_computation(
    client: httpx.Client, openrouter: FakeOpenRouter
) -> None:
    """Results stored by POST /inference/analyze, compared with the core on the same results
    as the API returned them (and thin data gives the honest profile, not an error)."""
    _, headers = new_user(client)
    records: list[Record] = []
    for seed in range(3):
        response = client.post(
            "/inference/analyze", json=analyze_body(image_bytes(500 + seed)), headers=headers
        )
        assert response.status_code == 200, response.text
        result = response.json()
        records.append(
            {
                key: result[key]
                for key in ("image_id", "attributes", "features", "measurements", "analyzer")
            }
        )
    body = get_personality(client, headers)
    assert json.dumps(body["profile"]) == local_json(records)
    assert body["photo_count"] == 3


def test_thin_data_gives_the_honest_profile(client: httpx.Client, cloud_db: CloudDb) -> None:
    uid, headers = new_user(client)
    insert(cloud_db, uid, portrait_heavy(5))
    body = get_personality(client, headers)
    profile = body["profile"]
    assert (body["photo_count"], profile["scored_count"]) == (5, 5)
    assert profile["confidence"] == "insufficient"
    assert body["suggestions"] == [] == profile["recommendations"]
    assert "only 5" in profile["summary"]
    assert any("too few" in note for note in profile["notes"])


def test_no_results_yet_is_an_empty_profile(client: httpx.Client) -> None:
    _, headers = new_user(client)
    body = get_personality(client, headers)
    assert body["photo_count"] == 0
    assert body["profile"]["scored_count"] == 0
    assert body["suggestions"] == []
    assert "No scored photos yet" in body["profile"]["summary"]


def test_a_user_sees_only_their_own_profile(client: httpx.Client, cloud_db: CloudDb) -> None:
    alice, alice_h = new_user(client)
    bob, bob_h = new_user(client)
    alice_rows = portrait_heavy(30, seed=1)
    bob_rows = portrait_heavy(45, seed=2, offset=1000)
    insert(cloud_db, alice, alice_rows)
    insert(cloud_db, bob, bob_rows)
    # the same photo in both accounts stays two users' data
    insert(cloud_db, bob, [{**alice_rows[0]}])

    a, b = get_personality(client, alice_h), get_personality(client, bob_h)
    assert json.dumps(a["profile"]) == local_json(alice_rows)
    assert json.dumps(b["profile"]) == local_json([*bob_rows, alice_rows[0]])
    assert (a["photo_count"], b["photo_count"]) == (30, 46)
    # the database holds one profile per user, and RLS shows each only theirs
    stored = dict(
        cloud_db.query(
            "SELECT user_id::text, photo_count FROM personality_profiles WHERE user_id IN (%s, %s)",
            [alice, bob],
        )
    )
    assert stored == {alice: 30, bob: 46}

    async def as_alice() -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        db = Database(cloud_db.app_url)
        await db.open()
        try:
            async with db.as_user({"sub": alice, "role": "authenticated"}) as tx:
                rows = await tx.all("SELECT user_id::text AS user_id FROM personality_profiles")
                return rows, await repo.get_profile(tx, user_id=bob)
        finally:
            await db.close()

    rows, bobs = asyncio.run(as_alice())
    assert (rows, bobs) == ([{"user_id": alice}], None)


def test_cached_until_the_data_changes(client: httpx.Client, cloud_db: CloudDb) -> None:
    uid, headers = new_user(client)
    rows = portrait_heavy(25, seed=5)
    insert(cloud_db, uid, rows)
    first = get_personality(client, headers)
    second = get_personality(client, headers)
    assert json.dumps(second) == json.dumps(first)  # same bytes and computed_at: the cache

    # proof that reads come from the cache: a marked stored profile is what is served
    cloud_db.query(
        "UPDATE personality_profiles SET profile_json = jsonb_set(profile, '{summary}', "
        "'\"from the cache\"')::text WHERE user_id = %s",
        [uid],
    )
    assert get_personality(client, headers)["profile"]["summary"] == "from the cache"

    more = portrait_heavy(1, seed=6, offset=5000)
    insert(cloud_db, uid, more)
    after = get_personality(client, headers)
    assert after["photo_count"] == 26 == after["profile"]["photo_count"]
    assert after["computed_at"] != first["computed_at"]
    assert json.dumps(after["profile"]) == local_json([*rows, *more])

    # a changed result (same count) is a change too
    cloud_db.query(
        "UPDATE cached_attributes SET attributes = jsonb_set(attributes, '{composition}', '0.01') "
        "WHERE user_id = %s AND image_id = %s",
        [uid, rows[0]["image_id"]],
    )
    changed = get_personality(client, headers)
    assert changed["computed_at"] != after["computed_at"]
    rows[0] = {**rows[0], "attributes": {**rows[0]["attributes"], "composition": 0.01}}
    assert json.dumps(changed["profile"]) == local_json([*rows, *more])

    # a removed result as well
    cloud_db.query(
        "DELETE FROM cached_attributes WHERE user_id = %s AND image_id = %s",
        [uid, more[0]["image_id"]],
    )
    assert get_personality(client, headers)["photo_count"] == 25


def test_refresh_queues_a_job_the_worker_runs(
    client: httpx.Client, cloud_db: CloudDb, settings: CloudSettings
) -> None:
    uid, headers = new_user(client)
    rows = portrait_heavy(40, seed=9)
    insert(cloud_db, uid, rows)
    assert cloud_db.query("SELECT 1 FROM personality_profiles WHERE user_id = %s", [uid]) == []

    response = client.post("/recommendations/refresh", headers=headers)
    assert response.status_code == 202, response.text
    assert response.json() == {"status": "computing"}
    again = client.post("/recommendations/refresh", headers=headers)  # deduplicated, still 202
    assert (again.status_code, again.json()) == (202, {"status": "computing"})
    queued = cloud_db.query(
        "SELECT args FROM procrastinate.procrastinate_jobs "
        "WHERE task_name = 'cloud:personality_refresh' AND status = 'todo'"
    )
    assert queued == [({"user_id": uid},)]
    assert cloud_db.query("SELECT 1 FROM personality_profiles WHERE user_id = %s", [uid]) == []

    asyncio.run(run_worker(settings, concurrency=1, wait=False))

    statuses = cloud_db.query(
        "SELECT status::text FROM procrastinate.procrastinate_jobs "
        "WHERE task_name = 'cloud:personality_refresh' AND args->>'user_id' = %s",
        [uid],
    )
    assert statuses == [("succeeded",)]
    stored = cloud_db.query(
        "SELECT photo_count, profile FROM personality_profiles WHERE user_id = %s", [uid]
    )
    assert stored[0][0] == 40
    expected = personality_from_records(rows).model_dump(mode="json")
    assert stored[0][1] == expected
    # the API now serves the worker's profile from the cache (no recomputation)
    computed_at = cloud_db.scalar(
        "SELECT computed_at FROM personality_profiles WHERE user_id = %s", [uid]
    )
    body = get_personality(client, headers)
    assert json.dumps(body["profile"]) == json.dumps(expected)  # same bytes from the cache
    assert (
        cloud_db.scalar("SELECT computed_at FROM personality_profiles WHERE user_id = %s", [uid])
        == computed_at
    )


def test_the_task_is_registered(settings: CloudSettings) -> None:
    assert "cloud:personality_refresh" in make_app(settings).tasks
