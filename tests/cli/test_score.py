"""`photo-score score`, end to end: the JSON contract, bad input, the cache, exit codes."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from photo_score.ingest import decode
from photo_score.models import ATTRIBUTES
from tests.factories.cli import CliResult
from tests.factories.photos import make_camera_jpeg, make_corrupt_variants, non_utf8_name

RunCli = Callable[..., CliResult]

CONTRACT_METADATA = {
    "capture_time",
    "camera_make",
    "camera_model",
    "lens",
    "exposure_time",
    "f_number",
    "iso",
    "focal_length_mm",
    "gps_lat",
    "gps_lon",
    "orientation",
    "width",
    "height",
}


def test_json_output_follows_the_contract(run_cli: RunCli, folder: Path) -> None:
    result = run_cli("score", str(folder), "--analyzer", "local", "--format", "json", "-q")
    assert result.code == 0, result.err
    data = result.json()
    assert set(data) == {"photos", "errors", "summary"}
    assert data["errors"] == []
    photos = data["photos"]
    assert len(photos) == 6
    for p in photos:
        assert len(p["image_id"]) == 64
        assert Path(p["path"]).is_file()
        assert 0 <= p["final_score"] <= 100
        assert p["tier"] in {"Excellent", "Strong", "Competent", "Snapshot", "Flawed"}
        assert 0 <= p["aesthetic_score"] <= 1
        assert 0 <= p["technical_score"] <= 1
        assert set(p["attributes"]) == set(ATTRIBUTES)
        assert p["explanation"]
        assert p["analyzer"] == "local"
        assert set(p["metadata"]) >= CONTRACT_METADATA
    scores = [p["final_score"] for p in photos]
    assert scores == sorted(scores, reverse=True)
    assert data["summary"]["scored"] == 6
    assert data["summary"]["failed"] == 0
    clean = next(p for p in photos if p["path"].endswith("IMG_0000.jpg"))
    md = clean["metadata"]
    assert md["camera_make"]
    assert md["iso"]
    assert md["capture_time"]
    assert (md["width"], md["height"]) == (1200, 800)


def test_degraded_copies_rank_below_their_original(run_cli: RunCli, folder: Path) -> None:
    data = run_cli("score", str(folder), "-a", "local", "-f", "json", "-q").json()
    by_name = {Path(p["path"]).name: p for p in data["photos"]}
    original = by_name["IMG_0000.jpg"]
    for name, attribute in (
        ("IMG_0100_blurred.jpg", "sharpness"),
        ("IMG_0101_dark.jpg", "exposure_balance"),
    ):
        worse = by_name[name]
        assert worse["final_score"] < original["final_score"], name
        assert worse["attributes"][attribute] < original["attributes"][attribute], name


def test_bad_files_fail_alone_with_specific_reasons(run_cli: RunCli, folder: Path) -> None:
    variants = make_corrupt_variants(folder / "broken")
    weird = non_utf8_name(folder)
    make_camera_jpeg(weird, size=(900, 600), seed=4)
    result = run_cli("score", str(folder), "-a", "local", "-f", "json", "-q")
    assert result.code == 1  # partial failure
    data = result.json()
    errors = {Path(e["path"]).name: e["error"] for e in data["errors"]}
    expected_failures = {v.name for k, v in variants.items() if k != "png_named_jpg"}
    assert set(errors) == expected_failures
    assert "empty" in errors["zero_bytes.jpg"]
    assert all(len(reason) > 10 for reason in errors.values())
    scored = {Path(p["path"]).name for p in data["photos"]}
    assert "actually_png.jpg" in scored  # content wins over a wrong extension
    assert os.path.basename(weird) in scored  # non-UTF-8 names survive the JSON round trip
    assert data["summary"]["scored"] == 8
    assert data["summary"]["failed"] == len(expected_failures)


def test_second_run_is_served_from_the_cache_without_decoding(
    run_cli: RunCli, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run_cli("score", str(folder), "-a", "local", "-f", "json", "-q").json()
    make_corrupt_variants(folder / "broken")
    run_cli("score", str(folder), "-a", "local", "-f", "json", "-q")  # records the failures

    calls: list[str] = []
    real = decode.prepare_photo

    def counting(path: str, *args: object, **kwargs: object) -> object:
        calls.append(path)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("photo_score.pipeline.prepare_photo", counting)
    again = run_cli("score", str(folder), "-a", "local", "-f", "json", "-q")
    data = again.json()
    assert calls == []  # nothing decoded: not the photos, not the known-broken files
    assert data["summary"]["analyzed"] == 0
    assert data["summary"]["cached"] == 7  # the six photos and the PNG named .jpg
    assert len(data["errors"]) == 5
    before = {p["path"]: p["final_score"] for p in first["photos"]}
    after = {p["path"]: p["final_score"] for p in data["photos"] if p["path"] in before}
    assert after == before


def test_a_changed_file_is_analyzed_again(run_cli: RunCli, folder: Path) -> None:
    run_cli("score", str(folder), "-a", "local", "-f", "json", "-q")
    make_camera_jpeg(folder / "IMG_0001.jpg", size=(1000, 700), seed=42)
    data = run_cli("score", str(folder), "-a", "local", "-f", "json", "-q").json()
    assert data["summary"]["analyzed"] == 1
    assert data["summary"]["cached"] == 5


def test_csv_output(run_cli: RunCli, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    result = run_cli("score", str(folder), "-a", "local", "-f", "csv", "-o", str(out), "-q")
    assert result.code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 6
    assert [int(r["rank"]) for r in rows] == list(range(1, 7))
    assert float(rows[0]["final_score"]) >= float(rows[-1]["final_score"])
    assert rows[0]["explanation"]


def test_table_output_names_photos_and_summary(
    run_cli: RunCli, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    result = run_cli("score", str(folder), "-a", "local", "-q")
    assert result.code == 0
    assert "IMG_0000.jpg" in result.out
    assert "6 scored" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "/no/such/folder"], "no such file"),
        (["score", ".", "--analyzer", "psychic"], "unknown analyzer"),
        (["score", ".", "--format", "xml"], "xml"),
    ],
)
def test_usage_errors_exit_2(run_cli: RunCli, args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.code == 2
    assert message in result.err


def test_an_invalid_config_is_refused_before_any_work(
    run_cli: RunCli, folder: Path, tmp_path: Path, photo_home: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("weights:\n  aesthetic:\n    composition: -1\n")
    result = run_cli("score", str(folder), "-a", "local", "--config", str(bad))
    assert result.code == 2
    assert "weights.aesthetic.composition" in result.err
    assert not (photo_home / "cache.sqlite3").exists()


def test_unavailable_analyzer_is_a_clear_error(run_cli: RunCli, folder: Path) -> None:
    result = run_cli("score", str(folder), "--analyzer", "cloud")
    assert result.code == 3
    assert "cloud" in result.err
