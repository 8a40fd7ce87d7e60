"""`photo-score xmp`: ratings and labels beside the scored photos, from the cache only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from photo_score.scoring import default_config, xmp_for
from photo_score.xmp import read_sidecar
from tests.factories.bursts import moto_burst_folder
from tests.factories.cli import CliResult
from tests.factories.photos import make_camera_jpeg

RunCli = Callable[..., CliResult]


def _scored(run_cli: RunCli, folder: Path) -> dict[str, dict[str, object]]:
    result = run_cli("score", str(folder), "--analyzer", "local", "--format", "json", "-q")
    assert result.code == 0, result.err
    return {str(p["path"]): p for p in result.json()["photos"]}


def test_every_scored_photo_gets_its_tiers_mark(run_cli: RunCli, folder: Path) -> None:
    photos = _scored(run_cli, folder)
    before = {p: Path(p).read_bytes() for p in photos}
    result = run_cli("xmp", str(folder))
    assert result.code == 0, result.err
    assert result.out.startswith(f"wrote {len(photos)} sidecars ({len(photos)} new, 0 updated)")
    for path, photo in photos.items():
        mark = xmp_for(str(photo["tier"]), default_config())
        assert read_sidecar(Path(path).with_suffix(".xmp")) == (mark.rating, mark.label), path
        assert Path(path).read_bytes() == before[path]  # the photo itself is never touched
    assert sorted({read_sidecar(Path(p).with_suffix(".xmp"))[0] for p in photos}) != [None]
    again = run_cli("xmp", str(folder), "--format", "json")
    assert again.code == 0, again.err
    summary = again.json()["summary"]
    assert (summary["unchanged"], summary["created"], summary["updated"]) == (len(photos), 0, 0)


def test_darktable_naming_dry_run_and_json(run_cli: RunCli, folder: Path) -> None:
    photos = _scored(run_cli, folder)
    dry = run_cli("xmp", str(folder), "--naming", "darktable", "--dry-run", "--format", "json")
    assert dry.code == 0, dry.err
    report = dry.json()
    assert report["summary"]["dry_run"] is True
    assert {s["sidecar"] for s in report["sidecars"]} == {f"{p}.xmp" for p in photos}
    assert {s["status"] for s in report["sidecars"]} == {"created"}
    assert not list(folder.rglob("*.xmp"))
    written = run_cli("xmp", str(folder), "--naming", "darktable")
    assert written.code == 0, written.err
    assert sorted(str(p) for p in folder.rglob("*.xmp")) == sorted(f"{p}.xmp" for p in photos)


def test_a_hand_set_rating_is_kept_and_said(run_cli: RunCli, folder: Path) -> None:
    _scored(run_cli, folder)
    assert run_cli("xmp", str(folder)).code == 0
    sidecar = folder / "IMG_0000.xmp"
    text = sidecar.read_text("utf-8")
    rating = read_sidecar(sidecar)[0]
    sidecar.write_text(text.replace(f'xmp:Rating="{rating}"', 'xmp:Rating="-1"', 1), "utf-8")
    result = run_cli("xmp", str(folder))
    assert result.code == 0, result.err
    assert "kept your own rating or label in 1" in result.out
    assert read_sidecar(sidecar)[0] == -1
    assert run_cli("xmp", str(folder), "--overwrite").code == 0
    assert read_sidecar(sidecar)[0] == rating


def test_photos_not_scored_yet_are_named_and_the_rest_written(
    run_cli: RunCli, folder: Path
) -> None:
    _scored(run_cli, folder)
    make_camera_jpeg(folder / "IMG_0999.jpg", size=(600, 400), seed=4)
    result = run_cli("xmp", str(folder))
    assert result.code == 1
    assert f"not scored {folder / 'IMG_0999.jpg'}: not in the cache yet" in result.err
    assert not (folder / "IMG_0999.xmp").exists()
    assert (folder / "IMG_0000.xmp").exists()


def test_burst_frames_other_than_the_keeper_get_their_own_mark(
    run_cli: RunCli, real_photos: Path, tmp_path: Path
) -> None:
    folder = moto_burst_folder(real_photos, tmp_path)
    photos = {Path(path).stem: p for path, p in _scored(run_cli, folder).items()}
    config = tmp_path / "culling.yaml"
    config.write_text("name: culling\nxmp_burst_others: {rating: 1, label: Yellow}\n", "utf-8")
    result = run_cli("xmp", str(folder), "--config", str(config))
    assert result.code == 0, result.err
    marks = {name: read_sidecar(folder / f"{name}.xmp") for name in photos}
    keeper = xmp_for(str(photos["a_as_shot"]["tier"]), default_config())
    assert marks["a_as_shot"] == (keeper.rating, keeper.label)
    for name in ("b_brighter", "c_shaken", "d_grainy"):
        assert marks[name] == (1, "Yellow"), name
    alone = xmp_for(str(photos["e_later"]["tier"]), default_config())
    assert marks["e_later"] == (alone.rating, alone.label)  # not in a burst


def test_score_and_rescore_can_write_the_sidecars_in_the_same_run(
    run_cli: RunCli, folder: Path, tmp_path: Path
) -> None:
    result = run_cli("score", str(folder), "-a", "local", "-q", "-f", "json", "--xmp", "darktable")
    assert result.code == 0, result.err
    photos = result.json()["photos"]  # stdout stays the JSON contract; the line goes to stderr
    assert f"photo-score: wrote {len(photos)} sidecars ({len(photos)} new, 0 updated)" in result.err
    for p in photos:
        mark = xmp_for(p["tier"], default_config())
        assert read_sidecar(f"{p['path']}.xmp") == (mark.rating, mark.label)
    harsh = tmp_path / "harsh.yaml"
    harsh.write_text(
        "name: harsh\ntiers: [{name: Top, min: 100}, {name: Flawed, min: 0}]\n"
        "xmp: {Top: {rating: 5}, Flawed: {rating: -1, label: Red}}\n",
        "utf-8",
    )
    again = run_cli("rescore", str(folder), "--config", str(harsh), "--xmp", "darktable")
    assert again.code == 0, again.err
    assert f"wrote {len(photos)} sidecars (0 new, {len(photos)} updated)" in again.err
    assert {read_sidecar(f"{p['path']}.xmp") for p in photos} == {(-1, "Red")}


def test_a_folder_scored_by_a_relative_path_is_found_by_its_absolute_one(
    run_cli: RunCli, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder.parent)
    assert run_cli("score", folder.name, "-a", "local", "-q").code == 0
    result = run_cli("xmp", str(folder))
    assert result.code == 0, result.err
    assert result.out.startswith("wrote 6 sidecars (6 new, 0 updated)")
    again = run_cli("rescore", folder.name, "--format", "json")
    assert again.code == 0, again.err
    assert {p["path"] for p in again.json()["photos"]} == {str(p) for p in folder.rglob("*.jpg")}
