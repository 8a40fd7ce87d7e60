"""``photo-score insights`` on a cache filled by the real pipeline or through the Cache API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from photo_score.models import AnalysisResult, PhotoMetadata
from photo_score.settings import get_settings
from photo_score.storage.cache import Cache
from tests.factories.cli import CliResult
from tests.factories.photos import make_camera_jpeg
from tests.recommendations.conftest import make_records
from tests.recommendations.test_html import Checker

RunCli = Callable[..., CliResult]


def _fill_cache(n: int) -> None:
    """``n`` results written the way the pipeline writes them: results plus metadata."""
    scenes = ["portrait", "portrait", "portrait", "landscape"]
    records = make_records(
        n,
        features=lambda i: {
            "scene_type": scenes[i % 4],
            "subject_position": "center",
            "lighting": "golden_hour" if i % 5 == 0 else "natural_soft",
            "technical_issues": ["none"],
        },
        measurements=lambda i: {"luma_p50": 45.0, "contrast_rms": 62.0},
    )
    with Cache(get_settings().cache_path) as cache, cache.transaction():
        for i, r in enumerate(records):
            cache.record_result(
                AnalysisResult(
                    image_id=r["image_id"],
                    analyzer="openrouter:test-model",
                    model="test-model",
                    version="v1",
                    attributes=r["attributes"],
                    features=r["features"],
                    measurements=r["measurements"],
                )
            )
            cache.record_metadata(
                r["image_id"], PhotoMetadata(capture_time=f"2024-{i % 3 + 1:02d}-05T08:00:00")
            )


def test_insights_after_scoring_a_folder_with_the_real_pipeline(
    run_cli: RunCli, tmp_path: Path
) -> None:
    folder = tmp_path / "shoot"
    folder.mkdir()
    for i in range(6):
        make_camera_jpeg(folder / f"IMG_{i:04d}.jpg", size=(640, 427), seed=i)
    scored = run_cli("score", str(folder), "-a", "local", "-f", "json", "-q")
    assert scored.code == 0, scored.err

    as_json = run_cli("insights", "-f", "json")
    assert as_json.code == 0, as_json.err
    data = as_json.json()
    assert data["photo_count"] == 6
    assert data["scored_count"] == 6
    assert data["confidence"] == "insufficient"
    assert data["recommendations"] == []
    assert data["analyzers"] == {"local": 6}
    means = [p["final_score"] for p in scored.json()["photos"]]
    assert data["score_distribution"]["mean"] == round(sum(means) / 6, 2)

    table = run_cli("insights")
    assert table.code == 0, table.err
    assert "Based on only 6 scored photos" in table.out
    assert "No recommendation yet" in table.out

    html = run_cli("insights", "-f", "html")
    assert html.code == 0, html.err
    checker = Checker()
    checker.feed(html.out)
    assert checker.errors == []
    assert checker.stack == []


def test_insights_from_a_cache_filled_through_the_api(run_cli: RunCli, tmp_path: Path) -> None:
    _fill_cache(80)
    data = run_cli("insights", "--format", "json").json()
    assert data["photo_count"] == 80
    assert data["confidence"] == "medium"
    assert data["composition_style"]["centered_vs_rule_of_thirds"]["label"] == "strongly centered"
    assert data["exposure_preference"]["dark_moody_vs_bright_airy"]["value"] < -0.6
    assert data["subject_distribution"]["genres"][0]["genre"] == "portraits"
    assert data["trends"]["granularity"] == "month"
    types = {r["type"] for r in data["recommendations"]}
    assert {"style", "growth"} <= types

    report = tmp_path / "out" / "insights.html"
    report.parent.mkdir()
    written = run_cli("insights", "-f", "html", "--output", str(report))
    assert written.code == 0, written.err
    assert written.out == ""
    page = report.read_text(encoding="utf-8")
    assert "strongly centered" in page
    assert "<svg" in page

    table = run_cli("insights")
    assert table.code == 0
    assert "Style" in table.out
    assert "strongly centered" in table.out
    assert "portraits" in table.out

    saved = tmp_path / "insights.txt"
    assert run_cli("insights", "-o", str(saved)).code == 0
    assert "Based on 80 scored photos" in saved.read_text(encoding="utf-8")


def test_insights_with_a_config_changes_the_scores(run_cli: RunCli, tmp_path: Path) -> None:
    _fill_cache(30)
    default = run_cli("insights", "-f", "json").json()
    config = tmp_path / "tech.yaml"
    config.write_text("name: technical-only\ncategory_weights:\n  aesthetic: 0\n  technical: 1\n")
    tech = run_cli("insights", "-f", "json", "--config", str(config))
    assert tech.code == 0, tech.err
    assert tech.json()["score_distribution"]["mean"] != default["score_distribution"]["mean"]


def test_insights_on_an_empty_cache_is_a_clear_error(run_cli: RunCli) -> None:
    result = run_cli("insights")
    assert result.code == 4
    assert "run photo-score score" in result.err
    bad = run_cli("insights", "-f", "csv")
    assert bad.code == 2
