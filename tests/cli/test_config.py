"""The active config: what the app saved is what every command scores with."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from photo_score.scoring import default_config
from photo_score.user_config import config_path, save_active
from photo_score.xmp import read_sidecar
from tests.factories.cli import CliResult

RunCli = Callable[..., CliResult]

# One tier for every score, with its own XMP mark: no photo can land in it by the defaults.
ONE_TIER = """\
name: mine
tiers:
  - {name: Keeper, min: 0}
xmp:
  Keeper: {rating: 5, label: Purple}
"""


def test_every_command_scores_with_the_config_the_app_saved(
    run_cli: RunCli, folder: Path, photo_home: Path
) -> None:
    scored = run_cli("score", str(folder), "-a", "local", "-q", "--format", "json")
    assert scored.code == 0, scored.err
    assert scored.json()["summary"]["config"] == "default"
    save_active(photo_home, ONE_TIER)  # what the app's Save does

    rescored = run_cli("rescore", str(folder), "--format", "json").json()
    assert rescored["summary"]["config"] == "mine"
    assert {p["tier"] for p in rescored["photos"]} == {"Keeper"}
    photo = rescored["photos"][0]
    shown = run_cli("show", photo["path"], "--format", "json")
    assert shown.code == 0, shown.err
    assert shown.json()["score"]["tier"] == "Keeper"
    assert run_cli("xmp", str(folder)).code == 0
    assert read_sidecar(Path(photo["path"]).with_suffix(".xmp")) == (5, "Purple")

    built_in = run_cli("rescore", str(folder), "--config", "default", "--format", "json").json()
    assert built_in["summary"]["config"] == "default"
    assert "Keeper" not in {p["tier"] for p in built_in["photos"]}


def test_a_broken_saved_config_stops_the_command_and_says_how_out(
    run_cli: RunCli, folder: Path, photo_home: Path
) -> None:
    assert run_cli("score", str(folder), "-a", "local", "-q").code == 0
    photo_home.mkdir(exist_ok=True)
    config_path(photo_home).write_text("name: mine\nweights: {aesthetic: {composition: -1}}\n")
    result = run_cli("rescore", str(folder))
    assert result.code == 2
    assert str(config_path(photo_home)) in result.err
    assert "weights.aesthetic.composition" in result.err
    assert "photo-score config reset" in result.err
    assert run_cli("rescore", str(folder), "--config", "default").code == 0
    config_path(photo_home).write_bytes(b"name: mine\n\xff\xfe\n")  # not UTF-8: no traceback
    unreadable = run_cli("rescore", str(folder))
    assert unreadable.code == 2
    assert "cannot read the config file" in unreadable.err
    assert run_cli("config", "use", str(config_path(photo_home))).code == 2


def test_config_use_show_and_reset(run_cli: RunCli, photo_home: Path, tmp_path: Path) -> None:
    shown = run_cli("config", "show")
    assert shown.code == 0, shown.err
    assert shown.out.startswith("# active config: built in (none saved); default")
    assert f"fingerprint {default_config().fingerprint}" in shown.out

    mine = tmp_path / "mine.yaml"
    mine.write_text(ONE_TIER)
    used = run_cli("config", "use", str(mine))
    assert used.code == 0, used.err
    assert config_path(photo_home).read_text() == ONE_TIER
    shown = run_cli("config", "show")
    assert shown.out.startswith(f"# active config: {config_path(photo_home)}; mine")
    assert shown.out.endswith(ONE_TIER)

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ntiers: []\n")
    refused = run_cli("config", "use", str(bad))
    assert refused.code == 2
    assert str(bad) in refused.err
    assert config_path(photo_home).read_text() == ONE_TIER  # the active one is untouched
    assert run_cli("config", "use", str(tmp_path / "missing.yaml")).code == 2

    assert run_cli("config", "reset").code == 0
    assert not config_path(photo_home).exists()
    assert run_cli("config", "show").out.startswith("# active config: built in")
