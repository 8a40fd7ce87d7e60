"""Two devices (two PHOTO_SCORE_HOMEs), the real API, a real PostgreSQL."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from photo_score.models import AnalysisResult, utcnow
from photo_score.sync.session import CloudUnreachable
from tests.cloud.helpers import CloudDb, InProcessServer, LiveServer, signup
from tests.sync.devices import PASSWORD, Device

MakeDevice = Callable[..., Device]


@pytest.fixture
def make_device(tmp_path: Path, server: InProcessServer) -> Iterator[MakeDevice]:
    devices: list[Device] = []

    def make(name: str, url: str | None = None) -> Device:
        device = Device(tmp_path / name, url or server.url)
        devices.append(device)
        return device

    yield make
    for device in devices:
        device.close()


def new_account(client: httpx.Client) -> str:
    email = f"{uuid.uuid4().hex[:10]}@example.test"
    signup(client, email, PASSWORD)
    return email


def server_count(cloud_db: CloudDb, email: str) -> int:
    return int(
        cloud_db.scalar(
            "SELECT count(*) FROM cached_attributes c JOIN auth.users u ON u.id = c.user_id "
            "WHERE u.email = %s",
            [email],
        )
    )


def edit(device: Device, image_id: str, *, value: float, at_offset: timedelta) -> AnalysisResult:
    """A new result for an image made on ``device`` at its (possibly skewed) clock."""
    current = device.cache.get_results(image_id)[0]
    changed = current.model_copy(
        update={
            "attributes": {**current.attributes, "composition": value},
            "created_at": utcnow() + at_offset,
        }
    )
    with device.cache.transaction():
        device.cache.record_result(changed)
    return changed


def best(device: Device, image_id: str) -> AnalysisResult:
    return device.cache.get_best_results([image_id])[image_id]


def test_device_b_gets_every_result_as_a_cache_hit(
    client: httpx.Client, make_device: MakeDevice, cloud_db: CloudDb
) -> None:
    email = new_account(client)
    a, b = make_device("a"), make_device("b")
    a.login(email)
    b.login(email)
    a.add_photos(range(4))
    scored = a.score()
    assert scored.analyzed == 4
    pushed = a.sync()
    assert (pushed.pushed, pushed.conflicts) == (4, 0)
    assert server_count(cloud_db, email) == 4
    meta = cloud_db.query(
        "SELECT metadata FROM cached_attributes c JOIN auth.users u ON u.id = c.user_id "
        "WHERE u.email = %s",
        [email],
    )
    assert all(m["camera_make"] and "gps_lat" not in m for (m,) in meta)  # GPS: opt-in only
    assert a.cache.get_metadata([scored.entries[0].image_id])[scored.entries[0].image_id].gps_lat

    pulled = b.sync()
    assert pulled.pulled == 4
    assert pulled.merged == 4
    # Stored by image id before this device has ever seen the files…
    for entry in scored.entries:
        assert b.cache.get_results(entry.image_id), entry.path
    # …so when they appear, nothing is analysed again.
    b.copy_photos_from(a)
    again = b.score()
    assert (again.analyzed, again.cached) == (0, 4)
    # Pulled rows are not local changes: nothing goes back, and A sees no echo of its own.
    assert b.sync().pushed == 0
    assert a.sync().merged == 0


def test_push_dropped_after_the_server_committed_is_retried_without_duplicates(
    client: httpx.Client, make_device: MakeDevice, cloud_db: CloudDb
) -> None:
    email = new_account(client)
    a = make_device("a")
    a.login(email)
    a.add_photos(range(10, 16))
    a.score()
    a.network.drop_push_responses = 1
    with pytest.raises(CloudUnreachable):
        a.sync()
    assert server_count(cloud_db, email) == 6  # committed, but the device never heard
    session = a.cloud.require_session()
    assert a.cache.sync_pending_count(session.namespace) == 6
    last_seq = cloud_db.scalar("SELECT max(seq) FROM cached_attributes")
    retried = a.sync()
    assert (retried.pushed, retried.unchanged, retried.conflicts) == (0, 6, 0)
    assert server_count(cloud_db, email) == 6
    assert cloud_db.scalar("SELECT max(seq) FROM cached_attributes") == last_seq
    assert a.cache.sync_pending_count(session.namespace) == 0


def test_edits_on_both_devices_while_the_server_is_down_converge(
    client: httpx.Client, cloud_env: dict[str, str], make_device: MakeDevice, cloud_db: CloudDb
) -> None:
    live = LiveServer(cloud_env).start()
    try:
        email = new_account(client)
        a, b = make_device("a", live.url), make_device("b", live.url)
        a.login(email)
        b.login(email)
        shared = a.add_photos([20])
        a.score()
        a.sync()
        b.sync()
        image_id = a.cache.find_image(str(shared[0]))
        assert image_id is not None

        live.stop()  # the server is down: both keep working offline
        a.add_photos([21, 22])
        b.add_photos([23, 24])
        a.score()
        b.score()
        edit(a, image_id, value=0.11, at_offset=timedelta(seconds=0))
        newer = edit(b, image_id, value=0.99, at_offset=timedelta(seconds=5))
        for device in (a, b):
            with pytest.raises(CloudUnreachable):
                device.sync()
            namespace = device.cloud.require_session().namespace
            state = device.cache.sync_state(namespace, live.url, "")
            assert state.last_error is not None
            assert device.cache.sync_pending_count(namespace) == 3

        live.start()
        a.sync()
        b.sync()
        a.sync()
        ids = {
            e
            for (e,) in cloud_db.query(
                "SELECT image_id FROM cached_attributes c JOIN auth.users u ON u.id = c.user_id "
                "WHERE u.email = %s",
                [email],
            )
        }
        assert len(ids) == 5
        for device in (a, b):
            for other in ids:
                assert device.cache.get_results(other), other  # nothing lost anywhere
            assert (
                best(device, image_id).attributes["composition"] == newer.attributes["composition"]
            )
            namespace = device.cloud.require_session().namespace
            assert device.cache.sync_pending_count(namespace) == 0
    finally:
        live.stop()


def test_a_device_with_a_slow_clock_does_not_lose_a_later_edit(
    client: httpx.Client, make_device: MakeDevice
) -> None:
    """Rule: an edit made after the device saw the server's version always wins over it,
    whatever the device's clock says (Lamport step past the known scored_at)."""
    email = new_account(client)
    a, b = make_device("a"), make_device("b")
    a.login(email)
    b.login(email)
    [photo] = a.add_photos([30])
    a.score()
    a.sync()
    b.sync()
    image_id = a.cache.find_image(str(photo))
    assert image_id is not None
    slow = edit(b, image_id, value=0.42, at_offset=-timedelta(hours=2))  # clock 2 h behind
    report = b.sync()
    assert (report.pushed, report.conflicts) == (1, 0)
    a.sync()
    assert best(a, image_id).attributes["composition"] == slow.attributes["composition"]


def test_concurrent_edits_are_ordered_by_time_and_the_loser_adopts_the_server_copy(
    client: httpx.Client, make_device: MakeDevice
) -> None:
    email = new_account(client)
    a, b = make_device("a"), make_device("b")
    a.login(email)
    b.login(email)
    [photo] = a.add_photos([31])
    a.score()
    a.sync()
    b.sync()
    image_id = a.cache.find_image(str(photo))
    assert image_id is not None
    winner = edit(a, image_id, value=0.8, at_offset=timedelta(seconds=10))
    edit(b, image_id, value=0.2, at_offset=timedelta(seconds=0))  # neither saw the other
    a.sync()
    report = b.sync()
    assert report.conflicts == 1
    for device in (a, b):
        assert best(device, image_id).attributes["composition"] == winner.attributes["composition"]


def test_two_accounts_on_one_machine_never_mix(
    client: httpx.Client, make_device: MakeDevice, cloud_db: CloudDb
) -> None:
    alice, bob = new_account(client), new_account(client)
    laptop, phone = make_device("laptop"), make_device("phone")
    phone.login(alice)
    phone.add_photos([40])
    phone.score()
    phone.sync()

    laptop.login(alice)
    laptop.add_photos([41, 42])
    laptop.score()
    first = laptop.sync()
    assert (first.pushed, first.pulled) == (2, 3)
    laptop.logout()

    laptop.login(bob)
    for path in laptop.photos.glob("*.jpg"):
        path.unlink()
    laptop.add_photos([43])
    laptop.score()
    bobs = laptop.sync()
    assert bobs.pushed == 1
    assert bobs.pulled == 1
    assert server_count(cloud_db, bob) == 1  # none of alice's pulled or pushed rows
    assert server_count(cloud_db, alice) == 3
    laptop.logout()

    laptop.login(alice)
    back = laptop.sync()
    assert (back.pushed, back.pulled) == (0, 0)  # alice's cursor was kept for alice
    assert server_count(cloud_db, alice) == 3


def test_expired_or_rejected_access_tokens_are_refreshed(
    client: httpx.Client, make_device: MakeDevice
) -> None:
    email = new_account(client)
    a = make_device("a")
    a.login(email)
    first = a.cloud.require_session()
    a.cloud.store.save(dataclasses.replace(first, expires_at=0))  # expired: refreshed first
    a.sync()
    second = a.cloud.require_session()
    assert second.refresh_token != first.refresh_token
    a.cloud.store.save(dataclasses.replace(second, access_token="not-a-token"))  # 401 → refresh
    a.sync()
    assert a.cloud.require_session().refresh_token != second.refresh_token
