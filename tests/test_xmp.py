"""XMP sidecars: marks merged into what other apps wrote, hand-set marks kept, files safe."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from photo_score.errors import UsageError
from photo_score.xmp import (
    Mark,
    hand_rating,
    read_sidecar,
    set_hand_rating,
    sidecar_path,
    write_sidecar,
    write_sidecars,
)
from tests.factories.ratings import LIGHTROOM

STRONG = Mark(rating=4, label=None, score=74.06, tier="Strong")
EXCELLENT = Mark(rating=5, label="Green", score=88.3, tier="Excellent")
FLAWED = Mark(rating=1, label="Red", score=12.0, tier="Flawed")


def _write_one(tmp_path: Path, mark: Mark, *, overwrite: bool = False) -> Any:
    photo = tmp_path / "IMG_0001.CR3"
    return write_sidecar(str(photo), mark, target=tmp_path / "IMG_0001.xmp", overwrite=overwrite)


def _exiftool_read(exiftool: str, path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [exiftool, "-json", "-G1", "-XMP:all", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out)[0]
    return result


def test_sidecar_names() -> None:
    assert sidecar_path("/p/IMG_0001.CR3", "adobe") == Path("/p/IMG_0001.xmp")
    assert sidecar_path("/p/IMG_0001.CR3", "darktable") == Path("/p/IMG_0001.CR3.xmp")
    assert sidecar_path("/p/a.b.jpg", "adobe") == Path("/p/a.b.xmp")
    with pytest.raises(UsageError, match="unknown sidecar naming"):
        sidecar_path("/p/x.jpg", "lightroom")  # type: ignore[arg-type]


def test_a_new_sidecar_is_read_by_exiftool(tmp_path: Path, exiftool: str) -> None:
    outcome = _write_one(tmp_path, EXCELLENT)
    assert (outcome.status, outcome.rating, outcome.label) == ("created", 5, "Green")
    tags = _exiftool_read(exiftool, tmp_path / "IMG_0001.xmp")
    assert tags["XMP-xmp:Rating"] == 5
    assert tags["XMP-xmp:Label"] == "Green"
    assert tags["XMP-photoscore:Score"] == 88.3
    assert tags["XMP-photoscore:Tier"] == "Excellent"
    assert read_sidecar(tmp_path / "IMG_0001.xmp") == (5, "Green")


def test_running_again_leaves_the_file_alone(tmp_path: Path) -> None:
    _write_one(tmp_path, STRONG)
    sidecar = tmp_path / "IMG_0001.xmp"
    os.utime(sidecar, ns=(1_000_000_000, 1_000_000_000))
    assert _write_one(tmp_path, STRONG).status == "unchanged"
    assert sidecar.stat().st_mtime_ns == 1_000_000_000


def test_merging_keeps_everything_another_app_wrote(tmp_path: Path, exiftool: str) -> None:
    sidecar = tmp_path / "IMG_0001.xmp"
    sidecar.write_text(LIGHTROOM, encoding="utf-8")
    before = _exiftool_read(exiftool, sidecar)
    outcome = _write_one(tmp_path, STRONG)
    assert (outcome.status, outcome.rating, outcome.kept) == ("updated", 4, ())
    after = _exiftool_read(exiftool, sidecar)
    assert after["XMP-xmp:Rating"] == 4
    for key, value in before.items():
        if key not in ("SourceFile", "ExifTool:ExifToolVersion", "System:FileModifyDate"):
            assert after.get(key) == value, key
    text = sidecar.read_text(encoding="utf-8")
    # Prefixes other apps chose, their comment and the packet wrapper survive.
    assert 'crs:Exposure2012="+0.50"' in text
    assert 'acme:Flag="kept"' in text
    assert "<!-- a comment another app left -->" in text
    assert text.startswith("<?xpacket begin=")
    assert text.rstrip().endswith('<?xpacket end="w"?>')


def test_child_element_properties_are_updated_in_place(tmp_path: Path) -> None:
    sidecar = tmp_path / "IMG_0001.xmp"
    sidecar.write_text(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        "<xmp:Rating>0</xmp:Rating></rdf:Description></rdf:RDF></x:xmpmeta>",
        encoding="utf-8",
    )
    assert _write_one(tmp_path, STRONG).rating == 4  # 0 means unrated: free to fill
    text = sidecar.read_text(encoding="utf-8")
    assert "<xmp:Rating>4</xmp:Rating>" in text
    assert text.count("Rating>") == 2  # one element, opened and closed: not duplicated


def test_a_hand_set_rating_and_label_win(tmp_path: Path) -> None:
    sidecar = tmp_path / "IMG_0001.xmp"
    sidecar.write_text(LIGHTROOM.replace('crs:Exposure2012="+0.50"', 'xmp:Rating="2"'), "utf-8")
    outcome = _write_one(tmp_path, EXCELLENT)
    assert (outcome.rating, outcome.label, outcome.kept) == (2, "Green", ("rating",))
    assert read_sidecar(sidecar) == (2, "Green")
    # Asked to, photo-score replaces it; from then on the rating is its own again.
    assert _write_one(tmp_path, EXCELLENT, overwrite=True).rating == 5
    assert _write_one(tmp_path, STRONG).rating == 4


def test_a_rating_changed_since_photo_score_wrote_it_is_kept(tmp_path: Path) -> None:
    _write_one(tmp_path, FLAWED)
    sidecar = tmp_path / "IMG_0001.xmp"
    edited = sidecar.read_text("utf-8").replace('xmp:Rating="1"', 'xmp:Rating="3"')
    sidecar.write_text(edited.replace('xmp:Label="Red"', 'xmp:Label="Blue"'), "utf-8")
    outcome = _write_one(tmp_path, STRONG)
    assert outcome.kept == ("rating", "label")
    assert read_sidecar(sidecar) == (3, "Blue")


def test_photo_scores_own_label_goes_when_the_tier_has_none(tmp_path: Path) -> None:
    _write_one(tmp_path, FLAWED)
    assert read_sidecar(tmp_path / "IMG_0001.xmp") == (1, "Red")
    outcome = _write_one(tmp_path, STRONG)
    assert (outcome.status, outcome.kept) == ("updated", ())
    assert read_sidecar(tmp_path / "IMG_0001.xmp") == (4, None)


def test_a_burst_frame_says_whether_it_is_the_keeper(tmp_path: Path, exiftool: str) -> None:
    mark = Mark(rating=1, label="Yellow", score=61.0, tier="Competent", keeper=False)
    _write_one(tmp_path, mark)
    assert _exiftool_read(exiftool, tmp_path / "IMG_0001.xmp")["XMP-photoscore:Keeper"] is False


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xff\xd8\xff\xe0 not xml", "not valid XML"),
        (b"<html><body>hi</body></html>", "not XMP"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&a;</x:xmpmeta>',
            "declares a DTD",
        ),
    ],
)
def test_a_sidecar_that_cannot_be_merged_is_left_untouched(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    sidecar = tmp_path / "IMG_0001.xmp"
    sidecar.write_bytes(content)
    outcome = _write_one(tmp_path, STRONG)
    assert outcome.status == "failed"
    assert reason in outcome.error
    assert sidecar.read_bytes() == content


def test_one_failure_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "b.xmp").mkdir()  # a folder where b's sidecar would go
    photos = [str(tmp_path / n) for n in ("a.jpg", "b.jpg", "c.jpg")]
    report = write_sidecars([(p, STRONG) for p in photos], naming="adobe")
    assert [o.status for o in report.outcomes] == ["created", "failed", "created"]
    assert "folder" in (report.failures[0].error or "")
    assert read_sidecar(tmp_path / "c.xmp") == (4, None)


def test_progress_counts_every_file_and_stops_where_the_pass_stops(tmp_path: Path) -> None:
    (tmp_path / "b.xmp").mkdir()  # a failed file counts as done too
    photos = [str(tmp_path / n) for n in ("a.jpg", "b.jpg", "c.jpg", "d.jpg")]
    seen: list[tuple[int, int]] = []
    write_sidecars(
        [(p, STRONG) for p in photos], naming="adobe", progress=lambda *a: seen.append(a)
    )
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    seen.clear()
    asked = iter([False, False, True])
    report = write_sidecars(
        [(p, STRONG) for p in photos],
        naming="adobe",
        stop=lambda: next(asked),
        progress=lambda *a: seen.append(a),
    )
    assert len(report.outcomes) == 2
    assert seen == [(1, 4), (2, 4)]


def test_a_place_that_cannot_take_a_sidecar_fails_with_the_reason(tmp_path: Path) -> None:
    card = tmp_path / "card"
    card.write_text("a file where the photo's folder should be")
    report = write_sidecars([(str(card / "IMG_0001.JPG"), STRONG)], naming="adobe")
    assert report.outcomes[0].status == "failed"
    assert report.outcomes[0].error == "IMG_0001.xmp: Not a directory"


def test_an_empty_sidecar_left_by_a_crash_is_written_afresh(tmp_path: Path) -> None:
    (tmp_path / "IMG_0001.xmp").write_bytes(b"")
    assert _write_one(tmp_path, STRONG).status == "created"
    assert read_sidecar(tmp_path / "IMG_0001.xmp") == (4, None)


def test_a_raw_and_its_jpeg_share_the_raw_files_sidecar(tmp_path: Path) -> None:
    raw, jpeg = str(tmp_path / "IMG_1.CR2"), str(tmp_path / "IMG_1.JPG")
    report = write_sidecars([(jpeg, FLAWED), (raw, EXCELLENT)], naming="adobe")
    assert [o.status for o in report.outcomes] == ["skipped", "created"]
    assert report.outcomes[0].error == (
        "shares IMG_1.xmp with the raw file IMG_1.CR2, whose mark it holds"
    )
    assert read_sidecar(tmp_path / "IMG_1.xmp") == (5, "Green")
    report = write_sidecars([(raw, EXCELLENT), (jpeg, FLAWED)], naming="darktable")
    assert [o.status for o in report.outcomes] == ["created", "created"]
    assert read_sidecar(tmp_path / "IMG_1.CR2.xmp") == (5, "Green")
    assert read_sidecar(tmp_path / "IMG_1.JPG.xmp") == (1, "Red")


def test_photos_that_would_share_a_sidecar_are_refused_not_overwritten(tmp_path: Path) -> None:
    for names in (("IMG_2.CR2", "IMG_2.DNG"), ("IMG_2.JPG", "IMG_2.HEIC")):
        photos = [str(tmp_path / n) for n in names]
        report = write_sidecars([(photos[0], EXCELLENT), (photos[1], FLAWED)], naming="adobe")
        assert [o.status for o in report.outcomes] == ["failed", "failed"]
        assert f"{names[1]} would share the sidecar IMG_2.xmp" in (report.outcomes[0].error or "")
        assert not (tmp_path / "IMG_2.xmp").exists()


def test_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    sidecar = tmp_path / "IMG_0001.xmp"
    sidecar.write_text(LIGHTROOM, encoding="utf-8")
    report = write_sidecars(
        [(str(tmp_path / "IMG_0001.CR3"), STRONG), (str(tmp_path / "new.jpg"), STRONG)],
        naming="adobe",
        dry_run=True,
    )
    assert [o.status for o in report.outcomes] == ["updated", "created"]
    assert sidecar.read_text(encoding="utf-8") == LIGHTROOM
    assert not (tmp_path / "new.xmp").exists()


def test_an_existing_sidecar_keeps_its_permissions(tmp_path: Path) -> None:
    sidecar = tmp_path / "IMG_0001.xmp"
    sidecar.write_text(LIGHTROOM, encoding="utf-8")
    sidecar.chmod(0o640)
    _write_one(tmp_path, STRONG)
    assert sidecar.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["IMG_0001.xmp"]  # no temp file left


def test_the_photographers_own_rating_is_found_and_photo_scores_is_not(
    tmp_path: Path, exiftool: str
) -> None:
    from PIL import Image

    def photo(name: str) -> str:
        path = tmp_path / name
        Image.new("RGB", (32, 24), (90, 120, 60)).save(path)
        return str(path)

    # photo-score's own rating is not the photographer's…
    ours = photo("ours.jpg")
    write_sidecars([(ours, STRONG)], naming="adobe")
    assert hand_rating(ours) is None
    # …until they change it (in any app that writes XMP).
    subprocess.run(
        [exiftool, "-q", "-overwrite_original", "-XMP-xmp:Rating=2", str(tmp_path / "ours.xmp")],
        check=True,
    )
    assert hand_rating(ours) == (2, "sidecar")
    # A darktable sidecar, a rejected photo, a rating inside the JPEG, an unrated one.
    dark = photo("dark.jpg")
    (tmp_path / "dark.jpg.xmp").write_text(
        LIGHTROOM.replace('crs:Exposure2012="+0.50"', 'xmp:Rating="-1"'), "utf-8"
    )
    assert hand_rating(dark) == (-1, "sidecar")
    inside = photo("inside.jpg")
    subprocess.run([exiftool, "-q", "-overwrite_original", "-XMP-xmp:Rating=5", inside], check=True)
    assert hand_rating(inside) == (5, "embedded")
    unrated = photo("unrated.jpg")
    (tmp_path / "unrated.xmp").write_text(
        LIGHTROOM.replace('crs:Exposure2012="+0.50"', 'xmp:Rating="0"'), "utf-8"
    )
    assert hand_rating(unrated) is None
    # A broken sidecar hides nothing: the rating inside the file is still read.
    (tmp_path / "inside.xmp").write_bytes(b"not xml at all")
    assert hand_rating(inside) == (5, "embedded")
    assert hand_rating(str(tmp_path / "missing.jpg")) is None


def test_a_pass_asked_to_stop_ends_between_files(tmp_path: Path) -> None:
    photos = [str(tmp_path / f"IMG_{i}.jpg") for i in range(5)]
    asked = iter([False, False, True])
    report = write_sidecars([(p, STRONG) for p in photos], naming="adobe", stop=lambda: next(asked))
    assert [o.status for o in report.outcomes] == ["created", "created"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["IMG_0.xmp", "IMG_1.xmp"]


def test_a_rating_given_in_the_app_is_the_photographers_even_when_it_equals_ours(
    tmp_path: Path,
) -> None:
    photo = str(tmp_path / "IMG_0001.CR3")
    write_sidecars([(photo, STRONG)], naming="adobe")
    assert hand_rating(photo) is None  # 4 stars, photo-score's
    assert set_hand_rating(photo, 4, naming="adobe").status == "updated"
    assert hand_rating(photo) == (4, "sidecar")  # the same 4 stars, now the photographer's
    # A new mark does not replace it…
    outcome = write_sidecars([(photo, EXCELLENT)], naming="adobe").outcomes[0]
    assert (outcome.rating, outcome.kept) == (4, ("rating",))
    assert hand_rating(photo) == (4, "sidecar")
    # …unless asked to, and then the rating is photo-score's again.
    assert (
        write_sidecars([(photo, EXCELLENT)], naming="adobe", overwrite=True).outcomes[0].rating == 5
    )
    assert hand_rating(photo) is None


def test_rating_in_the_app_creates_clears_and_refuses(tmp_path: Path) -> None:
    photo = str(tmp_path / "IMG_0002.jpg")
    assert set_hand_rating(photo, -1, naming="darktable").status == "created"
    assert read_sidecar(tmp_path / "IMG_0002.jpg.xmp") == (-1, None)
    assert set_hand_rating(photo, -1, naming="darktable").status == "unchanged"
    assert set_hand_rating(photo, 0, naming="darktable").status == "updated"
    assert read_sidecar(tmp_path / "IMG_0002.jpg.xmp") == (None, None)
    assert hand_rating(photo) is None
    with pytest.raises(UsageError, match="rating 7"):
        set_hand_rating(photo, 7, naming="adobe")
