"""`photo-score score --analyzer openrouter` end to end against the fake OpenRouter."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.factories.cli import CliResult
from tests.fakes.openrouter import FakeOpenRouter

RunCli = Callable[..., CliResult]


@pytest.fixture(scope="module")
def _server() -> Iterator[FakeOpenRouter]:
    server = FakeOpenRouter().start()
    yield server
    server.stop()


@pytest.fixture
def fake(_server: FakeOpenRouter, monkeypatch: pytest.MonkeyPatch) -> FakeOpenRouter:
    _server.reset()
    monkeypatch.setenv("OPENROUTER_BASE_URL", _server.url)
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-fake-key")
    monkeypatch.setenv("PHOTO_SCORE_VISION_ENDPOINT", "remote")  # bill it like OpenRouter
    return _server


def test_vision_run_scores_caches_and_makes_no_call_the_second_time(
    run_cli: RunCli, folder: Path, fake: FakeOpenRouter
) -> None:
    first = run_cli("score", str(folder), "-a", "openrouter", "-f", "json", "-q")
    assert first.code == 0, first.err
    data = first.json()
    assert len(data["photos"]) == 6
    assert {p["analyzer"] for p in data["photos"]} == {"openrouter"}
    assert all(p["missing_attributes"] == [] for p in data["photos"])
    calls = len(fake.calls())
    assert calls == 6 * 7  # the default roster: 7 calls per photo

    again = run_cli("score", str(folder), "-a", "openrouter", "-f", "json", "-q").json()
    assert len(fake.calls()) == calls
    assert again["summary"]["cached"] == 6
    best = again["photos"][0]
    shown = run_cli("show", best["path"], "-f", "json").json()
    assert shown["result"]["critique"]["summary"]


def test_auto_uses_vision_models_when_a_key_is_set(
    run_cli: RunCli, folder: Path, fake: FakeOpenRouter
) -> None:
    data = run_cli("score", str(folder), "-f", "json", "-q").json()
    assert {p["analyzer"] for p in data["photos"]} == {"openrouter"}


def test_dry_run_estimates_without_calling(
    run_cli: RunCli, folder: Path, fake: FakeOpenRouter
) -> None:
    result = run_cli("score", str(folder), "-a", "openrouter", "--dry-run")
    assert result.code == 0
    assert "6 to analyze" in result.out
    assert "42 calls" in result.out
    assert fake.calls() == []


def test_max_cost_stops_early_and_leaves_the_rest_for_later(
    run_cli: RunCli, folder: Path, fake: FakeOpenRouter
) -> None:
    stopped = run_cli(
        "score", str(folder), "-a", "openrouter", "--max-cost", "0.03", "-f", "json", "-q"
    )
    assert stopped.code == 1
    assert "stopped early" in stopped.err
    data = stopped.json()
    left = [e for e in data["errors"] if e["error"].startswith("not analyzed")]
    assert left
    assert len(data["photos"]) + len(left) == 6
    assert len(fake.calls()) * fake.cost_per_call <= 0.03 + 1e-9

    rest = run_cli("score", str(folder), "-a", "openrouter", "-f", "json", "-q")
    assert rest.code == 0, rest.err
    summary = rest.json()["summary"]
    assert summary["analyzed"] == len(left)  # nothing was remembered as a failure
    assert summary["scored"] == 6


def test_a_remote_endpoint_without_a_key_is_a_clear_error(
    run_cli: RunCli, folder: Path, fake: FakeOpenRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY")
    result = run_cli("score", str(folder), "-a", "openrouter")
    assert result.code == 3
    assert "OPENROUTER_API_KEY" in result.err
    assert fake.calls() == []
