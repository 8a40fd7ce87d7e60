"""DESIGN §5 routing (inference/registry.py) against the real cloud API and its credits."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from photo_score.errors import AnalyzerUnavailableError
from photo_score.inference.registry import choose_route, resolve_analyzer
from photo_score.pipeline import analyze_paths
from photo_score.scoring import default_config
from photo_score.settings import Settings
from tests.cloud.helpers import CloudDb, InProcessServer, signup
from tests.fakes.openrouter import FakeOpenRouter
from tests.sync.devices import PASSWORD, Device


@pytest.fixture
def device(tmp_path: Path, server: InProcessServer, openrouter: FakeOpenRouter) -> Iterator[Device]:
    made = Device(tmp_path / "device", server.url)
    yield made
    made.close()


def signed_in(client: httpx.Client, device: Device, cloud_db: CloudDb, credits: int) -> str:
    email = f"{uuid.uuid4().hex[:10]}@example.test"
    signup(client, email, PASSWORD)
    device.login(email)
    user_id = device.cloud.require_session().user_id
    cloud_db.set_balance(user_id, credits)
    return user_id


def analyzers(device: Device) -> list[str]:
    ids = [image_id for _, image_id in device.cache.indexed_files()]
    return sorted(r.analyzer for r in device.cache.get_best_results(ids).values())


def test_signed_out_without_a_key_is_local_and_critique_says_connect(device: Device) -> None:
    assert choose_route(device.settings, cloud=device.cloud).branch == "local"
    spec = resolve_analyzer(
        "auto", device.settings, default_config(), device.cache, cloud=device.cloud
    )
    assert spec.key.analyzer == "local"
    with pytest.raises(AnalyzerUnavailableError, match="buy credits"):
        resolve_analyzer(
            "auto",
            device.settings,
            default_config(),
            device.cache,
            cloud=device.cloud,
            task="critique",
        )
    with pytest.raises(AnalyzerUnavailableError, match="needs an account"):
        resolve_analyzer(
            "cloud", device.settings, default_config(), device.cache, cloud=device.cloud
        )


def test_own_key_goes_direct_when_the_cloud_cannot_serve(
    client: httpx.Client, device: Device, cloud_db: CloudDb
) -> None:
    keyed = Settings(home=device.home, openrouter_api_key="sk-own-key")
    assert choose_route(keyed, cloud=device.cloud).branch == "openrouter"
    signed_in(client, device, cloud_db, credits=0)
    route = choose_route(keyed, cloud=device.cloud)
    assert route.branch == "openrouter"
    assert "no cloud credits" in route.reason


def test_offline_or_no_credits_is_local(
    client: httpx.Client, device: Device, cloud_db: CloudDb
) -> None:
    signed_in(client, device, cloud_db, credits=0)
    assert choose_route(device.settings, cloud=device.cloud).branch == "local"
    device.network.down = True
    route = choose_route(device.settings, cloud=device.cloud)
    assert route.branch == "local"
    assert "not available" in route.reason


def test_signed_in_with_credits_uses_the_cloud(
    client: httpx.Client, device: Device, cloud_db: CloudDb, openrouter: FakeOpenRouter
) -> None:
    user_id = signed_in(client, device, cloud_db, credits=10)
    route = choose_route(device.settings, cloud=device.cloud)
    assert (route.branch, route.credits) == ("cloud", 10)
    device.add_photos(range(2))
    spec = resolve_analyzer(
        "auto", device.settings, default_config(), device.cache, cloud=device.cloud
    )
    report = analyze_paths(
        [str(device.photos)], cache=device.cache, spec=spec, settings=device.settings
    )
    assert report.analyzed == 2
    assert analyzers(device) == ["cloud", "cloud"]
    assert cloud_db.balance(user_id) == 8
    # The cloud ran the vision models (the fake OpenRouter behind it was called).
    assert openrouter.calls()
    again = analyze_paths(
        [str(device.photos)], cache=device.cache, spec=spec, settings=device.settings
    )
    assert (again.analyzed, again.cached) == (0, 2)  # cache hit: free
    assert cloud_db.balance(user_id) == 8


def test_credits_running_out_mid_batch_fall_back_to_local_under_auto(
    client: httpx.Client, device: Device, cloud_db: CloudDb
) -> None:
    user_id = signed_in(client, device, cloud_db, credits=2)
    device.add_photos(range(10, 15))
    spec = resolve_analyzer(
        "auto", device.settings, default_config(), device.cache, cloud=device.cloud
    )
    assert spec.key.analyzer == "cloud"
    report = analyze_paths(
        [str(device.photos)], cache=device.cache, spec=spec, settings=device.settings
    )
    assert report.analyzed == 5
    assert report.not_analyzed == []
    assert report.stopped_reason is None
    assert analyzers(device) == ["cloud", "cloud", "local", "local", "local"]
    assert cloud_db.balance(user_id) == 0


def test_credits_running_out_stop_an_explicit_cloud_run_cleanly(
    client: httpx.Client, device: Device, cloud_db: CloudDb
) -> None:
    signed_in(client, device, cloud_db, credits=1)
    device.add_photos(range(20, 24))
    spec = resolve_analyzer(
        "cloud", device.settings, default_config(), device.cache, cloud=device.cloud
    )
    report = analyze_paths(
        [str(device.photos)], cache=device.cache, spec=spec, settings=device.settings
    )
    assert report.analyzed == 1
    assert report.stopped_reason is not None
    assert "credits" in report.stopped_reason
    assert len(report.not_analyzed) == 3
    assert report.failures == []
