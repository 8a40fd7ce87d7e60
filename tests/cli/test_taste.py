"""`photo-score taste`: the weights fitted to the stars a photographer gave in XMP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from photo_score.scoring import load_config
from tests.factories.cli import CliResult
from tests.factories.photos import make_camera_jpeg

RunCli = Callable[..., CliResult]

SIDECAR = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""
 xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="{rating}"/></rdf:RDF></x:xmpmeta>"""


def _shoot(folder: Path) -> Path:
    """24 frames, a third of them soft to varying degrees: sharpness varies widely."""
    folder.mkdir()
    for i in range(24):
        path = make_camera_jpeg(folder / f"IMG_{i:04d}.jpg", size=(480, 320), seed=i)
        if i % 3 == 0:
            with Image.open(path) as img:
                img.filter(ImageFilter.GaussianBlur(1 + i / 6)).save(path, quality=90)
    return folder


def test_a_photographer_who_rates_by_sharpness_gets_sharpness_weighted_up(
    run_cli: RunCli, tmp_path: Path
) -> None:
    folder = _shoot(tmp_path / "shoot")
    scored = run_cli("score", str(folder), "--analyzer", "local", "--format", "json", "-q")
    assert scored.code == 0, scored.err
    photos = scored.json()["photos"]
    sharpness = np.array([p["attributes"]["sharpness"] for p in photos])
    stars = np.digitize(sharpness, np.quantile(sharpness, [0.2, 0.4, 0.6, 0.8])) + 1
    for photo, rating in zip(photos, stars.tolist(), strict=True):
        Path(photo["path"]).with_suffix(".xmp").write_text(SIDECAR.format(rating=rating))

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
    (folder / "IMG_0000.xmp").write_text(SIDECAR.format(rating=4))
    few = run_cli("taste", str(folder))
    assert few.code == 2
    assert "1 rated photo with every attribute measured; rate at least 20" in few.err
