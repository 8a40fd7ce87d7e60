from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image, TiffImagePlugin

from photo_score.ingest.decode import prepare_photo
from photo_score.ingest.discover import discover
from photo_score.ingest.exif import read_metadata
from photo_score.models import PhotoMetadata
from tests.factories.photos import make_camera_jpeg, make_heic


def meta_of(path: Path) -> PhotoMetadata:
    with Image.open(path) as im:
        return read_metadata(im)


def test_full_camera_exif_is_read_from_all_ifds(tmp_path: Path) -> None:
    meta = meta_of(make_camera_jpeg(tmp_path / "a.jpg", size=(600, 400)))
    assert meta.capture_time == "2023-02-21T14:05:07.123+01:00"
    assert (meta.camera_make, meta.camera_model) == ("Canon", "Canon EOS R6")
    assert meta.camera_serial == "012345678901"
    assert meta.lens == "RF24-105mm F4 L IS USM"
    assert meta.exposure_time == pytest.approx(1 / 250)
    assert meta.f_number == pytest.approx(2.8)
    assert meta.iso == 400
    assert meta.focal_length_mm == pytest.approx(50)
    assert meta.gps_lat == pytest.approx(-33.856784, abs=1e-6)
    assert meta.gps_lon == pytest.approx(151.215297, abs=1e-6)
    assert meta.gps_alt_m == pytest.approx(12.5)
    assert (meta.orientation, meta.width, meta.height, meta.format) == (1, 600, 400, "JPEG")


def test_fallbacks_and_missing_parts(tmp_path: Path) -> None:
    path = make_camera_jpeg(
        tmp_path / "a.jpg",
        size=(64, 48),
        exif={
            "DateTimeOriginal": None,
            "SubSecTimeOriginal": None,
            "OffsetTimeOriginal": None,
            "DateTimeDigitized": "2020:01:02 03:04:05",
            "LensModel": None,
            "LensMake": "Sigma",
            "GPSLatitude": None,
            "GPSLongitude": None,
        },
        orientation=8,
    )
    meta = meta_of(path)
    assert meta.capture_time == "2020-01-02T03:04:05"
    assert meta.lens == "Sigma"
    assert (meta.gps_lat, meta.gps_lon, meta.gps_alt_m) == (None, None, None)
    assert (meta.orientation, meta.width, meta.height) == (8, 48, 64)


def test_broken_tags_yield_none_for_that_field_only(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "NIKON CORPORATION\x00\x00  "
    exif[ExifTags.Base.Model] = "   "
    exif[ExifTags.Base.Orientation] = 42
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.DateTimeOriginal] = "0000:00:00 00:00:00"
    sub[ExifTags.Base.DateTimeDigitized] = "2023:02:30 10:00:00"  # no such day
    sub[ExifTags.Base.ExposureTime] = TiffImagePlugin.IFDRational(1, 0)
    sub[ExifTags.Base.FNumber] = TiffImagePlugin.IFDRational(0, 1)
    sub[ExifTags.Base.ISOSpeedRatings] = (200, 400)
    sub[ExifTags.Base.FocalLength] = TiffImagePlugin.IFDRational(35, 1)
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (
        TiffImagePlugin.IFDRational(10, 0),
        TiffImagePlugin.IFDRational(0, 1),
        TiffImagePlugin.IFDRational(0, 1),
    )
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (TiffImagePlugin.IFDRational(5, 1),)
    path = tmp_path / "broken.jpg"
    Image.new("RGB", (40, 30)).save(path, exif=exif)
    meta = meta_of(path)
    assert meta.camera_make == "NIKON CORPORATION"
    assert meta.camera_model is None
    assert meta.orientation is None
    assert (meta.width, meta.height) == (40, 30)
    assert meta.capture_time is None
    assert meta.exposure_time is None
    assert meta.f_number is None
    assert meta.iso == 200
    assert meta.focal_length_mm == 35.0
    assert (meta.gps_lat, meta.gps_lon) == (None, None)


# Pillow warns about the garbage block while parsing DPI at open(); in production that is a
# log line and decoding goes on, which is what this test checks.
@pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning")
def test_empty_gps_ifd_and_garbage_exif_block(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSVersionID] = b"\x02\x03\x00\x00"
    path = tmp_path / "empty_gps.jpg"
    Image.new("RGB", (20, 10)).save(path, exif=exif)
    meta = meta_of(path)
    assert (meta.camera_make, meta.gps_lat, meta.gps_lon) == ("Canon", None, None)

    garbage = tmp_path / "garbage.jpg"
    Image.new("RGB", (20, 10)).save(garbage, exif=b"Exif\x00\x00MM\x00*\xff\xff\xff\xff junk")
    photo = prepare_photo(str(garbage), "id")
    assert (photo.metadata.width, photo.metadata.height) == (20, 10)
    assert photo.metadata.camera_make is None
    assert photo.preview.shape == (10, 20, 3)


def test_iso_above_65534_uses_the_exif_23_tags(tmp_path: Path) -> None:
    path = make_camera_jpeg(
        tmp_path / "a.jpg",
        size=(32, 32),
        exif={"ISOSpeedRatings": 65535, "ISOSpeed": 102400, "SensitivityType": 3},
    )
    assert meta_of(path).iso == 102400


def test_utc_offset_variants(tmp_path: Path) -> None:
    for offset, expected in [("-05:30", "-05:30"), ("   :  ", ""), ("+0200", "+02:00")]:
        path = make_camera_jpeg(
            tmp_path / "t.jpg", size=(16, 16), exif={"OffsetTimeOriginal": offset}
        )
        assert meta_of(path).capture_time == f"2023-02-21T14:05:07.123{expected}"


def test_heic_exif_through_pillow_heif(tmp_path: Path) -> None:
    path = make_heic(tmp_path / "a.heic", size=(64, 48), orientation=1)
    meta = prepare_photo(str(path), "id").metadata
    assert meta.capture_time == "2023-02-21T14:05:07.123+01:00"
    assert meta.camera_model == "Canon EOS R6"
    assert meta.gps_lat == pytest.approx(-33.856784, abs=1e-6)
    assert meta.format == "HEIF"


# ------------------------------------------------------------------ ExifTool reference

_TAGS = [
    "-ExifIFD:DateTimeOriginal",
    "-ExifIFD:SubSecTimeOriginal",
    "-ExifIFD:OffsetTimeOriginal",
    "-IFD0:Make",
    "-IFD0:Model",
    "-ExifIFD:LensModel",
    "-ExifIFD:SerialNumber",
    "-ExifIFD:ExposureTime",
    "-ExifIFD:FNumber",
    "-ExifIFD:ISO",
    "-ExifIFD:FocalLength",
    "-Composite:GPSLatitude",
    "-Composite:GPSLongitude",
    "-IFD0:Orientation",
]


def _exiftool(exiftool: str, files: list[str]) -> dict[str, dict[str, Any]]:
    tagged = subprocess.run(
        [exiftool, "-json", "-n", "-a", "-G1", *_TAGS, *files],
        check=True,
        capture_output=True,
        text=True,
    )
    sizes = subprocess.run(
        [exiftool, "-json", "-n", "-ImageWidth", "-ImageHeight", *files],
        check=True,
        capture_output=True,
        text=True,
    )
    result = {row["SourceFile"]: row for row in json.loads(tagged.stdout)}
    for row in json.loads(sizes.stdout):
        result[row["SourceFile"]].update(row)
    return result


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\x00", " ").strip()
    return text or None


def _positive(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and value > 0 else None


def _expected_time(row: dict[str, Any]) -> str | None:
    raw = row.get("ExifIFD:DateTimeOriginal")
    if raw is None:
        return None
    date, time = str(raw).split(" ")
    result = date.replace(":", "-") + "T" + time
    subsec = _text(row.get("ExifIFD:SubSecTimeOriginal"))
    if subsec:
        result += "." + subsec
    offset = _text(row.get("ExifIFD:OffsetTimeOriginal"))
    if offset:
        result += offset
    return result


def _compare(ours: PhotoMetadata, row: dict[str, Any]) -> list[str]:
    problems: list[str] = []

    def check(field: str, got: Any, want: Any, tol: float | None = None) -> None:
        if want is None or got is None or tol is None:
            ok = got == want
        else:
            ok = math.isclose(got, want, rel_tol=tol, abs_tol=tol)
        if not ok:
            problems.append(f"{field}: ours={got!r} exiftool={want!r}")

    check("capture_time", ours.capture_time, _expected_time(row))
    check("camera_make", ours.camera_make, _text(row.get("IFD0:Make")))
    check("camera_model", ours.camera_model, _text(row.get("IFD0:Model")))
    check("lens", ours.lens, _text(row.get("ExifIFD:LensModel")))
    check("camera_serial", ours.camera_serial, _text(row.get("ExifIFD:SerialNumber")))
    check("exposure_time", ours.exposure_time, _positive(row.get("ExifIFD:ExposureTime")), 1e-6)
    check("f_number", ours.f_number, _positive(row.get("ExifIFD:FNumber")), 1e-6)
    iso = row.get("ExifIFD:ISO")
    check("iso", ours.iso, int(str(iso).split()[0]) if iso is not None else None)
    check("focal_length", ours.focal_length_mm, _positive(row.get("ExifIFD:FocalLength")), 1e-6)
    check("gps_lat", ours.gps_lat, row.get("Composite:GPSLatitude"), 1e-6)
    check("gps_lon", ours.gps_lon, row.get("Composite:GPSLongitude"), 1e-6)
    orientation = row.get("IFD0:Orientation")
    check("orientation", ours.orientation, orientation)
    width, height = row.get("ImageWidth"), row.get("ImageHeight")
    if orientation is not None and orientation >= 5:
        width, height = height, width
    check("width", ours.width, width)
    check("height", ours.height, height)
    return problems


def _has_exif(row: dict[str, Any]) -> bool:
    return any(key.startswith(("IFD0:", "ExifIFD:")) for key in row)


def test_real_photos_match_exiftool(real_photos: Path, exiftool: str) -> None:
    files = [f.path for f in discover([real_photos])]
    reference = _exiftool(exiftool, files)
    compared = 0
    failures: dict[str, list[str]] = {}
    for path in files:
        row = reference[path]
        if not _has_exif(row):
            continue
        compared += 1
        problems = _compare(prepare_photo(path, "id").metadata, row)
        if problems:
            failures[Path(path).name] = problems
    assert compared >= 20, f"only {compared} real photos with EXIF"
    assert not failures, json.dumps(failures, indent=1)


def test_generated_photos_match_exiftool(tmp_path: Path, exiftool: str) -> None:
    """Every orientation plus a southern/western GPS position, checked the same way."""
    files = []
    for orientation in range(1, 9):
        files.append(
            make_camera_jpeg(
                tmp_path / f"o{orientation}.jpg",
                size=(64, 40),
                orientation=orientation,
                exif={"GPSLatitude": 40.7 * (-1) ** orientation, "GPSLongitude": -74.0060152},
            )
        )
    # 128×64: libheif pads other sizes and records a crop that ExifTool does not apply
    files.append(make_heic(tmp_path / "h.heic", size=(128, 64)))
    reference = _exiftool(exiftool, [str(f) for f in files])
    failures = {
        f.name: problems
        for f in files
        if (problems := _compare(prepare_photo(str(f), "id").metadata, reference[str(f)]))
    }
    assert not failures, json.dumps(failures, indent=1)
