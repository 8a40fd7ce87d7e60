"""`photo-score score` on a burst: the frames are grouped and the keeper is proposed."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from photo_score.ingest.decode import prepare_photo
from tests.factories.bursts import moto_burst_folder, save_frame
from tests.factories.cli import CliResult
from tests.factories.photos import make_camera_jpeg, make_dng

RunCli = Callable[..., CliResult]


def _turn(pixels: np.ndarray, deg: float) -> np.ndarray:
    """Turned ``deg`` about the centre; every frame gets the crop of an 8° turn."""
    h, w = pixels.shape[:2]
    t = np.radians(8.0)
    zoom = max((w * np.cos(t) + h * np.sin(t)) / w, (w * np.sin(t) + h * np.cos(t)) / h)
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), deg, zoom)
    return np.asarray(cv2.warpAffine(pixels, rot, (w, h), flags=cv2.INTER_LINEAR), np.uint8)


def _by_name(photos: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {Path(p["path"]).stem: p for p in photos}


def test_a_burst_keeps_the_frame_as_the_photographer_exposed_it(
    run_cli: RunCli, real_photos: Path, tmp_path: Path
) -> None:
    folder = moto_burst_folder(real_photos, tmp_path)
    result = run_cli("score", str(folder), "--analyzer", "local", "--format", "json", "-q")
    assert result.code == 0, result.err
    photos = _by_name(result.json()["photos"])
    # Judged alone, the brighter copy of a dark edit reads better exposed and ranks higher…
    assert photos["b_brighter"]["final_score"] > photos["a_as_shot"]["final_score"]
    # …but in the burst it is the frame the meter got wrong.
    burst = {name: photos[name]["burst"] for name in ("a_as_shot", "b_brighter", "c_shaken")}
    burst["d_grainy"] = photos["d_grainy"]["burst"]
    assert {b["id"] for b in burst.values()} == {photos["a_as_shot"]["image_id"]}
    assert {b["size"] for b in burst.values()} == {4}
    assert burst["a_as_shot"] == {**burst["a_as_shot"], "rank": 1, "keeper": True}
    assert sorted(b["rank"] for b in burst.values()) == [1, 2, 3, 4]
    assert [name for name, b in burst.items() if b["keeper"]] == ["a_as_shot"]
    assert burst["a_as_shot"]["score"] > burst["b_brighter"]["score"]
    # The burst says why: the ¾ EV push reads as 0.7 stop at the median brightness.
    assert burst["b_brighter"]["notes"] == ["0.7 stop brighter than the rest of the burst"]
    assert burst["a_as_shot"]["notes"] == []
    assert photos["e_later"]["burst"] is None
    alone = run_cli("show", photos["e_later"]["path"], "--format", "json")
    assert alone.code == 0, alone.err
    assert alone.json()["burst"] is None


def test_csv_and_table_name_the_keeper(run_cli: RunCli, real_photos: Path, tmp_path: Path) -> None:
    folder = moto_burst_folder(real_photos, tmp_path)
    out = tmp_path / "scores.csv"
    result = run_cli("score", str(folder), "--analyzer", "local", "--format", "csv", "-o", str(out))
    assert result.code == 0, result.err
    rows = {Path(r["path"]).stem: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert rows["a_as_shot"]["burst_rank"] == "1"
    assert rows["b_brighter"]["burst_size"] == "4"
    assert rows["b_brighter"]["burst_id"] == rows["a_as_shot"]["image_id"]
    assert rows["e_later"]["burst_id"] == ""

    table = run_cli("score", str(folder), "--analyzer", "local")
    assert table.code == 0, table.err
    line = next(ln for ln in table.out.splitlines() if "a_as_shot" in ln)
    assert "keep: best of a" in line  # the rest of the reason folds onto the next lines


def test_the_frame_turned_against_its_burst_is_not_kept(
    run_cli: RunCli, real_photos: Path, tmp_path: Path
) -> None:
    """A pen on squared paper set at an angle: nothing level in view, so alone a turned frame
    scores as well as the level ones (here a little better). Shot between them, it is the
    one the hand wobbled on."""
    pen = np.array(prepare_photo(str(real_photos / "xiaomi.heic"), "x").preview)
    folder = tmp_path / "pen"
    folder.mkdir()
    frames = {
        "a_level": _turn(pen, 0.0),
        "b_turned": _turn(pen, 3.0),
        "c_level": _turn(np.roll(pen, (2, -3), axis=(0, 1)), 0.0),
        "d_level": _turn(np.roll(pen, (-3, 1), axis=(0, 1)), 0.0),
    }
    for i, (name, pixels) in enumerate(frames.items()):
        save_frame(pixels, folder / f"{name}.jpg", "2024:06:01 18:30:05", f"{200 * i:03d}")
    result = run_cli("score", str(folder), "--analyzer", "local", "--format", "json", "-q")
    assert result.code == 0, result.err
    photos = _by_name(result.json()["photos"])
    alone = {name: p["final_score"] for name, p in photos.items()}
    assert alone["b_turned"] == max(alone.values())  # alone, the turn does not show
    burst = {name: p["burst"] for name, p in photos.items()}
    assert burst["b_turned"]["rank"] == 4
    assert burst["b_turned"]["score"] < min(burst[n]["score"] for n in ("a_level", "c_level"))
    assert burst["b_turned"]["notes"] == ["turned 3.0° against the other frames"]
    assert all(burst[n]["notes"] == [] for n in ("a_level", "c_level", "d_level"))

    table = run_cli("score", str(folder), "--analyzer", "local")
    assert table.code == 0, table.err
    assert "(turned 3.0°" in table.out

    # `show` on the turned frame: its burst, every frame in shot order, and why it lost.
    shown = run_cli("show", str(folder / "b_turned.jpg"), "--format", "json")
    assert shown.code == 0, shown.err
    place = shown.json()["burst"]
    assert (place["rank"], place["size"], place["keeper"]) == (4, 4, False)
    assert place["notes"] == ["turned 3.0° against the other frames"]
    assert [Path(f["path"]).stem for f in place["frames"]] == list(frames)
    assert [f["keeper"] for f in place["frames"]].count(True) == 1
    text = run_cli("show", str(folder / "b_turned.jpg"))
    assert text.code == 0, text.err
    assert "frame 2 of 4 in shot order, ranked 4 of 4: keep" in " ".join(text.out.split())
    assert "(this one is turned 3.0° against the other frames)" in " ".join(text.out.split())


def test_another_scene_shot_within_the_gap_is_not_in_the_burst(
    run_cli: RunCli, real_photos: Path, tmp_path: Path
) -> None:
    """Two frames of a storm and, half a second later, a portrait: the time gap alone
    would make one burst of three and could hide the portrait behind Keepers only."""
    storm = np.array(prepare_photo(str(real_photos / "canon_400d_storm.jpg"), "x").preview)
    portrait = np.array(prepare_photo(str(real_photos / "hopper.jpg"), "x").preview)
    rng = np.random.default_rng(5)
    folder = tmp_path / "mixed"
    folder.mkdir()
    frames = {
        "a_storm": storm,
        "b_storm_grainy": np.clip(storm + rng.normal(0, 10, storm.shape), 0, 255).astype(np.uint8),
        "c_portrait": portrait,
        "d_storm": np.roll(storm, (2, 3), axis=(0, 1)),
    }
    for i, (name, pixels) in enumerate(frames.items()):
        save_frame(pixels, folder / f"{name}.jpg", "2024:06:01 18:30:05", f"{250 * i:03d}")
    result = run_cli("score", str(folder), "--analyzer", "local", "--format", "json", "-q")
    assert result.code == 0, result.err
    photos = _by_name(result.json()["photos"])
    assert photos["c_portrait"]["burst"] is None
    storm_bursts = {photos[n]["burst"]["id"] for n in ("a_storm", "b_storm_grainy", "d_storm")}
    assert storm_bursts == {photos["a_storm"]["image_id"]}
    assert photos["d_storm"]["burst"]["size"] == 3


def test_a_raw_and_its_jpeg_are_one_frame_of_the_burst(run_cli: RunCli, tmp_path: Path) -> None:
    """RAW+JPEG: three shots a second apart, each saved twice. The raw files make the
    burst of three; each JPEG stands where its raw file stands."""
    folder = tmp_path / "raw+jpeg"
    folder.mkdir()
    jpeg_exif = {"BodySerialNumber": None, "OffsetTimeOriginal": None, "SubSecTimeOriginal": None}
    for i, second in enumerate(("05", "06", "07")):
        when = f"2024:06:01 18:30:{second}"
        make_dng(
            folder / f"IMG_{i}.DNG", with_preview=True, preview_jpeg=True, seed=5, capture_time=when
        )
        make_camera_jpeg(
            folder / f"IMG_{i}.JPG",
            size=(1200, 800),
            seed=5,
            exif={**jpeg_exif, "DateTimeOriginal": when},
        )
    result = run_cli("score", str(folder), "--analyzer", "local", "--format", "json", "-q")
    assert result.code == 0, result.err
    photos = {Path(p["path"]).name: p for p in result.json()["photos"]}
    assert len(photos) == 6
    raws = [photos[f"IMG_{i}.DNG"]["burst"] for i in range(3)]
    assert {b["size"] for b in raws} == {3}
    assert sorted(b["rank"] for b in raws) == [1, 2, 3]
    for i in range(3):
        assert photos[f"IMG_{i}.JPG"]["burst"] == photos[f"IMG_{i}.DNG"]["burst"]


def test_a_wider_window_groups_the_retake_and_leaves_the_other_scene_out(
    run_cli: RunCli, real_photos: Path, tmp_path: Path
) -> None:
    """A minute after the burst the photographer shot the scene again; between them, half a
    minute after the burst, a flower. At 2 s the re-take stands alone; with the window
    widened to 90 s it joins the burst, and the flower, shot in between, does not."""
    folder = moto_burst_folder(real_photos, tmp_path)
    flower = np.array(prepare_photo(str(real_photos / "canon_s40_flower.jpg"), "f").preview)
    save_frame(flower, folder / "f_flower.jpg", "2024:06:01 18:30:35", "000")
    scored = run_cli("score", str(folder), "--analyzer", "local", "--format", "json", "-q")
    assert scored.code == 0, scored.err
    photos = _by_name(scored.json()["photos"])
    assert photos["e_later"]["burst"] is None
    assert photos["a_as_shot"]["burst"]["size"] == 4

    wide = tmp_path / "wide.yaml"
    wide.write_text("name: retakes\nburst_gap_s: 90\n")
    result = run_cli("rescore", str(folder), "--config", str(wide), "--format", "json")
    assert result.code == 0, result.err
    photos = _by_name(result.json()["photos"])
    assert photos["f_flower"]["burst"] is None
    group = {n: photos[n]["burst"] for n in ("a_as_shot", "b_brighter", "c_shaken", "d_grainy")}
    group["e_later"] = photos["e_later"]["burst"]
    assert {b["size"] for b in group.values()} == {5}
    assert {b["id"] for b in group.values()} == {photos["a_as_shot"]["image_id"]}
    assert sorted(b["rank"] for b in group.values()) == [1, 2, 3, 4, 5]
    # The re-take has the as-shot frame's pixels: one of the two is kept, not a faulty copy.
    keeper = next(n for n, b in group.items() if b["keeper"])
    assert keeper in {"a_as_shot", "e_later"}
