"""rescore, show, config and cache commands; interruption and resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from photo_score.inference.base import Analyzer
from photo_score.inference.registry import local_spec
from photo_score.ingest.prepared import PreparedPhoto
from photo_score.models import AnalysisResult
from photo_score.pipeline import AnalyzerSpec, analyze_paths
from photo_score.settings import Settings
from photo_score.storage.cache import Cache
from tests.factories.cli import CliResult
from tests.factories.photos import make_camera_jpeg

RunCli = Callable[..., CliResult]


def _score(run_cli: RunCli, folder: Path) -> dict[str, object]:
    result = run_cli("score", str(folder), "-a", "local", "-f", "json", "-q")
    assert result.code == 0, result.err
    data: dict[str, object] = result.json()
    return data


def test_rescore_reranks_from_the_cache_without_analyzing(
    run_cli: RunCli, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _score(run_cli, folder)
    from photo_score.inference.local import LocalAnalyzer

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("rescore must never analyze")

    monkeypatch.setattr(LocalAnalyzer, "analyze", forbidden)
    default = run_cli("rescore", "-f", "json").json()
    technical_only = tmp_path / "tech.yaml"
    technical_only.write_text(
        "name: technical-only\ncategory_weights:\n  aesthetic: 0\n  technical: 1\n"
    )
    tech = run_cli("rescore", "--config", str(technical_only), "-f", "json")
    assert tech.code == 0, tech.err
    data = tech.json()
    assert data["summary"]["config"] == "technical-only"
    assert len(data["photos"]) == len(default["photos"]) == 6
    unpenalised = [p for p in data["photos"] if not p["penalties"]]
    assert unpenalised
    for p in unpenalised:  # with aesthetic weight 0 the score is the technical score
        assert p["final_score"] == pytest.approx(100 * p["technical_score"], abs=0.02)
    before = {p["path"]: p["final_score"] for p in default["photos"]}
    assert any(p["final_score"] != before[p["path"]] for p in data["photos"])
    scores = [p["final_score"] for p in data["photos"]]
    assert scores == sorted(scores, reverse=True)  # re-ranked by the new scores


def test_rescore_reports_files_not_in_the_cache(run_cli: RunCli, folder: Path) -> None:
    _score(run_cli, folder)
    make_camera_jpeg(folder / "new.jpg", size=(600, 400), seed=77)
    result = run_cli("rescore", str(folder), "-f", "json")
    assert result.code == 1
    errors = result.json()["errors"]
    assert [Path(e["path"]).name for e in errors] == ["new.jpg"]
    assert "not in the cache" in errors[0]["error"]


def test_show_explains_one_photo(run_cli: RunCli, folder: Path) -> None:
    data = _score(run_cli, folder)
    photo = data["photos"][0]  # type: ignore[index]
    table = run_cli("show", photo["path"])
    assert table.code == 0, table.err
    assert photo["tier"] in table.out
    assert "sharpness" in table.out
    as_json = run_cli("show", photo["image_id"][:10], "-f", "json").json()
    assert as_json["image_id"] == photo["image_id"]
    assert as_json["score"]["final_score"] == pytest.approx(photo["final_score"])
    assert as_json["explanation"]["text"] == photo["explanation"]


def test_an_icon_in_the_folder_is_ranked_last_and_flagged(
    run_cli: RunCli, folder: Path, tmp_path: Path
) -> None:
    """An 8×8 icon among photos: scored, not failed; the table flags it and ``show`` says why."""
    from PIL import Image

    Image.new("RGB", (8, 8), (200, 30, 30)).save(folder / "icon.png")
    result = run_cli("score", str(folder), "-a", "local", "--limit", "0")
    assert result.code == 0, result.err
    last = [line for line in result.out.splitlines() if "icon.png" in line]
    assert last
    assert "low confidence" in last[0]
    data = _score(run_cli, folder)
    photos = data["photos"]
    assert isinstance(photos, list)
    assert Path(photos[-1]["path"]).name == "icon.png"
    assert photos[-1]["confidence"] == 0.0
    shown = run_cli("show", str(folder / "icon.png"))
    assert shown.code == 0, shown.err
    assert "8×8 px, too small or too narrow to judge" in shown.out


def test_show_unknown_photo_exits_4(run_cli: RunCli, photo_home: Path) -> None:
    result = run_cli("show", "/nowhere/x.jpg")
    assert result.code == 4
    assert "not in the cache" in result.err


def test_config_init_validate_and_schema(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    assert run_cli("config", "init", str(path)).code == 0
    assert run_cli("config", "init", str(path)).code == 2  # refuses to overwrite
    ok = run_cli("config", "validate", str(path))
    assert ok.code == 0
    assert "valid" in ok.out
    path.write_text(path.read_text().replace("composition: 0.4", "compositon: 0.4"))
    bad = run_cli("config", "validate", str(path))
    assert bad.code == 2
    assert "compositon" in bad.err
    schema = json.loads(run_cli("config", "schema").out)
    assert "weights" in schema["properties"]


def test_cache_stats_and_clear(run_cli: RunCli, folder: Path, photo_home: Path) -> None:
    _score(run_cli, folder)
    stats = json.loads(run_cli("cache", "stats", "--json").out)
    assert stats["files"] == 6
    assert stats["results"] == 6
    assert stats["thumbnails"] == 6
    assert run_cli("cache", "clear", "--yes").code == 0
    stats = json.loads(run_cli("cache", "stats", "--json").out)
    assert stats["files"] == 0
    assert stats["thumbnails"] == 0
    assert _score(run_cli, folder)["summary"]["analyzed"] == 6  # type: ignore[index]


def test_stopping_a_run_keeps_finished_work_and_the_next_run_resumes(
    folder: Path, photo_home: Path
) -> None:
    (folder / "more").mkdir()
    for i in range(10):
        make_camera_jpeg(folder / "more" / f"M_{i}.jpg", size=(800, 600), seed=100 + i)
    settings = Settings(home=photo_home, workers=1)
    stop = threading.Event()
    local = local_spec()
    analyzed = 0

    def stop_after_three() -> Analyzer:
        """The real analyzer, asking the run to stop once it has analyzed three photos."""
        analyzer = local.factory()
        real = analyzer.analyze

        def analyze(photo: PreparedPhoto) -> AnalysisResult:
            nonlocal analyzed
            result = real(photo)
            analyzed += 1
            if analyzed == 3:
                stop.set()
            return result

        analyzer.analyze = analyze  # type: ignore[method-assign]
        return analyzer

    with Cache(settings.cache_path) as cache:
        first = analyze_paths(
            [str(folder)],
            cache=cache,
            spec=AnalyzerSpec(local.key, stop_after_three),
            settings=settings,
            stop=stop,
        )
        assert first.interrupted
        assert 3 <= first.analyzed <= 5  # what was in flight when the stop came still lands
        second = analyze_paths([str(folder)], cache=cache, spec=local_spec(), settings=settings)
    assert not second.interrupted
    assert second.cached == first.analyzed
    assert second.analyzed == 16 - first.analyzed


def _start_scoring(
    folder: Path, home: Path, seed: int, *, wait_for: int
) -> tuple[subprocess.Popen[str], list[str], dict[str, str]]:
    """Start `photo-score score` on 30 photos in a child; return once ``wait_for`` are saved."""
    (folder / "more").mkdir()
    for i in range(24):
        make_camera_jpeg(folder / "more" / f"P_{i:02d}.jpg", size=(1600, 1067), seed=seed + i)
    env = {**os.environ, "PHOTO_SCORE_HOME": str(home), "PHOTO_SCORE_WORKERS": "1"}
    cmd = [sys.executable, "-m", "photo_score", "score", str(folder), "-a", "local", "-q"]
    cmd += ["-f", "json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    db = home / "cache.sqlite3"
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:  # wait until some photos are committed
            if db.exists():
                with Cache(db) as cache:
                    if cache.stats()["results"] >= wait_for:
                        break
            time.sleep(0.05)
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    return proc, cmd, env


def test_a_killed_cli_run_resumes_without_redoing_finished_photos(
    folder: Path, photo_home: Path
) -> None:
    proc, cmd, env = _start_scoring(folder, photo_home, 200, wait_for=3)
    proc.kill()  # SIGKILL: no chance to clean up
    proc.communicate()
    with Cache(photo_home / "cache.sqlite3") as cache:
        finished = cache.stats()["results"]
    assert 3 <= finished < 30

    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    summary = json.loads(rerun.stdout)["summary"]
    assert summary["scored"] == 30
    assert summary["cached"] == finished
    assert summary["analyzed"] == 30 - finished


def test_ctrl_c_stops_cleanly_keeps_work_and_exits_130(folder: Path, photo_home: Path) -> None:
    proc, _, _ = _start_scoring(folder, photo_home, 300, wait_for=2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    summary = json.loads(out)["summary"]  # the partial ranking is still printed
    assert summary["interrupted"] is True
    assert 2 <= summary["scored"] < 30
    with Cache(photo_home / "cache.sqlite3") as cache:
        assert cache.stats()["results"] == summary["scored"]
