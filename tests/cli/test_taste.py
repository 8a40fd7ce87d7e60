"""`photo-score taste`: the weights fitted to the stars a photographer gave in XMP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from photo_score.scoring import load_config
from tests.factories.cli import CliResult
from tests.factories.ratings import rate_by, soft_and_sharp_shoot, write_hand_rating

RunCli = Callable[..., CliResult]


def test_a_photographer_who_rates_by_sharpness_gets_sharpness_weighted_up(
    run_cli: RunCli, tmp_path: Path
) -> None:
    folder = soft_and_sharp_shoot(tmp_path / "shoot")
    scored = run_cli("score", str(folder), "--analyzer", "local", "--format", "json", "-q")
    assert scored.code == 0, scored.err
    rate_by(scored.json()["photos"], "sharpness")

    fitted = tmp_path / "my-taste.yaml"
    result = run_cli("taste", str(folder), "--format", "json", "--output", str(fitted))
    assert result.code == 0, result.err
    report = result.json()
    assert (report["rated"], report["sources"]) == (24, {"sidecar": 24})
    share = report["share"]["sharpness"]
    assert share["after"] > share["before"] + 0.2
    assert report["agreement"]["after"] > report["agreement"]["before"]
    assert report["held_out"]["after"] > report["held_out"]["before"]
    assert report["change"]["photos"] == 24
    assert report["improves"] is True
    config = load_config(fitted)
    assert config.name == "default-taste"
    assert config.model_dump(mode="json") == report["config"]
    rescored = run_cli("rescore", str(folder), "--config", str(fitted), "--format", "json")
    assert rescored.code == 0, rescored.err
    assert rescored.json()["summary"]["config"] == "default-taste"

    table = run_cli("taste", str(folder))
    assert table.code == 0, table.err
    assert table.out.startswith("24 photos you rated (24 from sidecars)")
    assert "sharpness" in table.out
    assert "better on photos they did not see" in table.out


def test_without_ratings_it_says_what_to_do(run_cli: RunCli, folder: Path) -> None:
    assert run_cli("score", str(folder), "--analyzer", "local", "-q").code == 0
    result = run_cli("taste", str(folder))
    assert result.code == 2
    assert "none of the 6 scored photos has a star rating of yours" in result.err
    # photo-score's own sidecars are not the photographer's ratings.
    assert run_cli("xmp", str(folder)).code == 0
    assert "none of the 6 scored photos" in run_cli("taste", str(folder)).err
    write_hand_rating(folder / "IMG_0000.jpg", 4)
    few = run_cli("taste", str(folder))
    assert few.code == 2
    assert "1 rated photo with every attribute measured; rate at least 20" in few.err
