"""EXIF → PhotoMetadata, read from IFD0, the Exif sub-IFD and the GPS IFD.

Upstream read only IFD0, so capture time and GPS (which live in sub-IFDs) were never found
and one odd tag voided the whole result (research/upstream.md §5.2). Here every field is
read on its own: a broken tag yields ``None`` for that field and nothing else. Values are
reported as written (make and model are not de-duplicated), which is what ExifTool shows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from PIL import ExifTags, Image

from photo_score.models import PhotoMetadata

T = TypeVar("T")

# IFD0
_MAKE, _MODEL, _ORIENTATION, _DATETIME = 0x010F, 0x0110, 0x0112, 0x0132
# Exif sub-IFD
_EXPOSURE_TIME, _F_NUMBER, _ISO = 0x829A, 0x829D, 0x8827
_SENSITIVITY_TYPE_REI, _ISO_SPEED = 0x8832, 0x8833
_DT_ORIGINAL, _DT_DIGITIZED = 0x9003, 0x9004
_OFFSET, _OFFSET_ORIGINAL, _OFFSET_DIGITIZED = 0x9010, 0x9011, 0x9012
_SUBSEC, _SUBSEC_ORIGINAL, _SUBSEC_DIGITIZED = 0x9290, 0x9291, 0x9292
_FOCAL_LENGTH = 0x920A
_BODY_SERIAL, _LENS_MAKE, _LENS_MODEL = 0xA431, 0xA433, 0xA434
# GPS IFD
_LAT_REF, _LAT, _LON_REF, _LON, _ALT_REF, _ALT = 1, 2, 3, 4, 5, 6

_DATE_RE = re.compile(
    r"^(\d{4})[:\-](\d{2})[:\-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})"
    r"(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_OFFSET_RE = re.compile(r"^([+-])(\d{2}):?(\d{2})$")

Tags = Mapping[int, Any]


def _safe(fn: Callable[[], T | None]) -> T | None:
    """Run one field's extraction; any error in a malformed tag means "unknown"."""
    try:
        return fn()
    except Exception:  # EXIF is untrusted input: never fail the photo over it
        return None


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    cleaned = value.replace("\x00", " ").strip()
    return cleaned or None


def _number(value: Any) -> float | None:
    if isinstance(value, tuple | list):
        value = value[0] if value else None
    if value is None or isinstance(value, str | bytes):
        return None
    result = float(value)  # IFDRational with a zero denominator gives nan
    return result if math.isfinite(result) else None


def _positive(value: Any) -> float | None:
    number = _number(value)
    return number if number is not None and number > 0 else None


def _first(tags: Tags, *keys: int) -> Any:
    for key in keys:
        if key in tags:
            return tags[key]
    return None


def _capture_time(ifd0: Tags, exif: Tags) -> str | None:
    """ISO 8601 from the first usable DateTime*, with its own sub-seconds and offset."""
    candidates = (
        (exif.get(_DT_ORIGINAL), exif.get(_SUBSEC_ORIGINAL), exif.get(_OFFSET_ORIGINAL)),
        (exif.get(_DT_DIGITIZED), exif.get(_SUBSEC_DIGITIZED), exif.get(_OFFSET_DIGITIZED)),
        (ifd0.get(_DATETIME) or exif.get(_DATETIME), exif.get(_SUBSEC), exif.get(_OFFSET)),
        (ifd0.get(_DT_ORIGINAL), None, None),  # some writers misplace it in IFD0
    )
    for raw_date, raw_subsec, raw_offset in candidates:
        try:
            result = _format_time(raw_date, raw_subsec, raw_offset)
        except Exception:  # an impossible date ("2023:02:30") is no date
            continue
        if result is not None:
            return result
    return None


def _format_time(raw_date: Any, raw_subsec: Any, raw_offset: Any) -> str | None:
    text = _text(raw_date)
    match = _DATE_RE.match(text) if text else None
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    datetime(year, month, day, hour, minute, second)  # rejects "0000:00:00" and the like
    result = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    subsec = match.group(7)
    if subsec is None:
        sub_text = _text(str(raw_subsec) if isinstance(raw_subsec, int) else raw_subsec)
        subsec = sub_text if sub_text and sub_text.isdigit() else None
    if subsec:
        result += "." + subsec
    offset = match.group(8) or _text(raw_offset)
    if offset == "Z":
        return result + "Z"
    parsed = _OFFSET_RE.match(offset) if offset else None
    if parsed is not None:
        sign, hh, mm = parsed.groups()
        if int(hh) <= 23 and int(mm) <= 59:
            result += f"{sign}{hh}:{mm}"
    return result


def _iso(exif: Tags) -> int | None:
    value = _positive(exif.get(_ISO))
    if value is not None and value >= 65535:
        # EXIF 2.3: 65535 means "too large for this tag", the real value is elsewhere.
        value = _positive(_first(exif, _ISO_SPEED, _SENSITIVITY_TYPE_REI)) or value
    return round(value) if value is not None else None


def _lens(exif: Tags) -> str | None:
    return _text(exif.get(_LENS_MODEL)) or _text(exif.get(_LENS_MAKE))


def _ref(value: Any) -> str | None:
    text = _text(value)
    return text[0].upper() if text else None


def _degrees(value: Any) -> float | None:
    """DMS (1 to 3 rationals) to decimal degrees; a zero denominator poisons the result."""
    parts = value if isinstance(value, tuple | list) else (value,)
    if not 1 <= len(parts) <= 3:
        return None
    total = 0.0
    for part, scale in zip(parts, (1.0, 60.0, 3600.0), strict=False):
        number = _number(part)
        if number is None:
            return None
        total += number / scale
    return total


def _coordinate(gps: Tags, key: int, ref_key: int, negative: str, limit: float) -> float | None:
    degrees = _degrees(gps[key]) if key in gps else None
    if degrees is None:
        return None
    if _ref(gps.get(ref_key)) == negative and degrees > 0:
        degrees = -degrees
    return degrees if abs(degrees) <= limit else None


def _gps(gps: Tags) -> tuple[float | None, float | None, float | None]:
    lat = _safe(lambda: _coordinate(gps, _LAT, _LAT_REF, "S", 90.0))
    lon = _safe(lambda: _coordinate(gps, _LON, _LON_REF, "W", 180.0))
    if lat is None or lon is None:
        return None, None, None  # half a position is no position
    return lat, lon, _safe(lambda: _altitude(gps))


def _altitude(gps: Tags) -> float | None:
    altitude = _number(gps.get(_ALT))
    if altitude is None:
        return None
    ref = gps.get(_ALT_REF)
    if isinstance(ref, bytes):
        ref = ref[0] if ref else 0
    return -abs(altitude) if ref == 1 else altitude


def _orientation(image: Image.Image, ifd0: Tags) -> int | None:
    # pillow-heif applies the HEIF transforms itself and resets the EXIF tag to 1,
    # keeping what the file said in info["original_orientation"].
    # It stores None when the file said 1, so fall back to the (reset) EXIF value.
    raw = image.info.get("original_orientation") or ifd0.get(_ORIENTATION)
    if isinstance(raw, bool) or not isinstance(raw, int):
        return None
    return raw if 1 <= raw <= 8 else None


def _ifd(exif: Image.Exif, which: ExifTags.IFD) -> Tags:
    try:
        result: Tags = exif.get_ifd(which)
    except Exception:  # a broken pointer must not hide the other IFDs
        return {}
    return result


def read_metadata(
    image: Image.Image, *, display_size: tuple[int, int] | None = None
) -> PhotoMetadata:
    """Metadata of an opened (not necessarily loaded) image.

    Call it before ``draft()``: a draft changes ``image.size``. ``display_size`` overrides
    the computed displayed (width, height), e.g. for a RAW whose preview is smaller than
    the sensor image. Never raises for bad EXIF.
    """
    try:
        exif = image.getexif()
        ifd0: Tags = dict(exif)
    except Exception:  # unreadable EXIF block: dimensions and format only
        exif, ifd0 = Image.Exif(), {}
    exif_ifd = _ifd(exif, ExifTags.IFD.Exif)
    gps_ifd = _ifd(exif, ExifTags.IFD.GPSInfo)

    orientation = _safe(lambda: _orientation(image, ifd0))
    if display_size is not None:
        width, height = display_size
    else:
        width, height = image.size
        heif_transformed = "original_orientation" in image.info
        if orientation is not None and orientation >= 5 and not heif_transformed:
            width, height = height, width
    lat, lon, alt = _gps(gps_ifd)

    def sub(key: int) -> Any:
        return exif_ifd.get(key, ifd0.get(key))

    return PhotoMetadata(
        capture_time=_capture_time(ifd0, exif_ifd),
        camera_make=_safe(lambda: _text(ifd0.get(_MAKE))),
        camera_model=_safe(lambda: _text(ifd0.get(_MODEL))),
        camera_serial=_safe(lambda: _text(sub(_BODY_SERIAL))),
        lens=_safe(lambda: _lens(exif_ifd)),
        exposure_time=_safe(lambda: _positive(sub(_EXPOSURE_TIME))),
        f_number=_safe(lambda: _positive(sub(_F_NUMBER))),
        iso=_safe(lambda: _iso(exif_ifd if _ISO in exif_ifd else ifd0)),
        focal_length_mm=_safe(lambda: _positive(sub(_FOCAL_LENGTH))),
        gps_lat=lat,
        gps_lon=lon,
        gps_alt_m=alt,
        orientation=orientation,
        width=width or None,
        height=height or None,
        format=_format_name(image),
    )


def _format_name(image: Image.Image) -> str | None:
    name = image.format
    if name in {"HEIF", "AVIF"}:
        return "HEIF"
    return name.upper() if name else None
