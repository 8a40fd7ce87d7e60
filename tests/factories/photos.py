"""Deterministic photo fixtures for tests and bench/ (no committed binaries).

``make_camera_jpeg`` writes what a camera writes: textured content (smooth fields plus
grain, so JPEG sizes and decode costs are realistic), IFD0 + Exif sub-IFD + GPS IFD. It
is fast even at 24 MP because the scene is generated small and upscaled.
"""

from __future__ import annotations

import os
import struct
import zlib
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import ExifTags, Image, ImageChops, TiffImagePlugin

Rgb = npt.NDArray[np.uint8]

# Defaults written by make_camera_jpeg; a test passes ``exif={"Make": None}`` to drop a tag.
DEFAULT_EXIF: dict[str, Any] = {
    "Make": "Canon",
    "Model": "Canon EOS R6",
    "BodySerialNumber": "012345678901",
    "LensModel": "RF24-105mm F4 L IS USM",
    "DateTimeOriginal": "2023:02:21 14:05:07",
    "SubSecTimeOriginal": "123",
    "OffsetTimeOriginal": "+01:00",
    "ExposureTime": Fraction(1, 250),
    "FNumber": Fraction(28, 10),
    "ISOSpeedRatings": 400,
    "FocalLength": Fraction(50, 1),
    "GPSLatitude": -33.856784,  # decimal degrees, written as DMS + ref
    "GPSLongitude": 151.215297,
    "GPSAltitude": 12.5,
}

_IFD0_TAGS = {"Make", "Model", "Software", "DateTime", "Artist"}
_GPS_TAGS = {"GPSLatitude", "GPSLongitude", "GPSAltitude"}


# ----------------------------------------------------------------------------- pixels


def natural_picture(
    width: int, height: int, *, seed: int = 0, scene: str = "natural"
) -> Image.Image:
    """Camera-like RGB content: sky gradient, smooth terrain, texture and sensor grain.

    ``scene``: "natural" (landscape-ish), "flat" (one colour, for edge cases) or
    "noise" (pure noise, worst case for the codec). Built with Pillow operations end to
    end, because a 24 MP numpy round trip costs more than the JPEG encode.
    """
    rng = np.random.default_rng(seed)
    if scene == "flat":
        return Image.new("RGB", (width, height), (128, 128, 128))
    if scene == "noise":
        return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8), "RGB")
    small_w, small_h = max(8, width // 16), max(8, height // 16)
    field = np.zeros((small_h, small_w), np.float32)
    for octave in (4, 8, 16, 32, 64):  # fractal-ish smooth noise from a few octaves
        shape = (max(2, small_h // octave + 2), max(2, small_w // octave + 2))
        coarse = rng.standard_normal(shape).astype(np.float32)
        layer = Image.fromarray(coarse, "F").resize((small_w, small_h), Image.Resampling.BICUBIC)
        field += np.asarray(layer) * (octave / 64)
    field = (field - field.min()) / (np.ptp(field) + 1e-6)
    texture = rng.normal(0, 0.08, field.shape).astype(np.float32)
    rows = np.linspace(0.0, 1.0, small_h, dtype=np.float32)[:, None]
    horizon = 0.45 + 0.15 * (field[small_h // 2] - 0.5)[None, :]
    sky = rows < horizon
    ground = field + texture
    base = np.empty((small_h, small_w, 3), np.float32)
    base[..., 0] = np.where(sky, 110 + 60 * rows, 60 + 90 * ground)
    base[..., 1] = np.where(sky, 150 + 60 * rows, 90 + 80 * ground)
    base[..., 2] = np.where(sky, 230 - 40 * rows, 40 + 50 * ground)
    small = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    big = small.resize((width, height), Image.Resampling.BICUBIC)
    # Sensor grain from a tiled patch: real high frequencies without 72 M random draws.
    tile = Image.fromarray(
        np.clip(rng.normal(128, 6, (512, 512, 3)), 0, 255).astype(np.uint8), "RGB"
    )
    grain = Image.new("RGB", (width, height))
    for y in range(0, height, 512):
        for x in range(0, width, 512):
            grain.paste(tile, (x, y))
    return ImageChops.add(big, grain, 1.0, -128)


def natural_image(width: int, height: int, *, seed: int = 0, scene: str = "natural") -> Rgb:
    """``natural_picture`` as an H×W×3 uint8 array."""
    return np.asarray(natural_picture(width, height, seed=seed, scene=scene))


# ----------------------------------------------------------------------------- EXIF


def _rational(value: float | Fraction) -> TiffImagePlugin.IFDRational:
    frac = Fraction(value).limit_denominator(1_000_000)
    return TiffImagePlugin.IFDRational(frac.numerator, frac.denominator)


def _dms(value: float) -> tuple[TiffImagePlugin.IFDRational, ...]:
    value = abs(value)
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    seconds = (minutes_full - minutes) * 60
    return (
        TiffImagePlugin.IFDRational(degrees, 1),
        TiffImagePlugin.IFDRational(minutes, 1),
        TiffImagePlugin.IFDRational(round(seconds * 1_000_000), 1_000_000),
    )


def build_exif(
    fields: dict[str, Any] | None = None,
    *,
    orientation: int = 1,
    size: tuple[int, int] | None = None,
) -> Image.Exif:
    """An Image.Exif with IFD0, the Exif sub-IFD and a GPS IFD from tag-name fields.

    ``fields`` overrides DEFAULT_EXIF; a value of None removes that tag. Pass
    ``fields={}``-style overrides only; ``DEFAULT_EXIF`` is the base.
    """
    merged = {**DEFAULT_EXIF, **(fields or {})}
    names = {v: k for k, v in ExifTags.TAGS.items()}
    names |= {"SubSecTimeOriginal": 0x9291, "SubSecTime": 0x9290, "SubSecTimeDigitized": 0x9292}
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.XResolution] = TiffImagePlugin.IFDRational(72, 1)
    exif[ExifTags.Base.YResolution] = TiffImagePlugin.IFDRational(72, 1)
    exif[ExifTags.Base.ResolutionUnit] = 2
    exif[ExifTags.Base.YCbCrPositioning] = 1
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.ExifVersion] = b"0232"
    sub[ExifTags.Base.ComponentsConfiguration] = b"\x01\x02\x03\x00"
    sub[ExifTags.Base.FlashPixVersion] = b"0100"
    sub[ExifTags.Base.ColorSpace] = 1
    if size is not None:
        sub[ExifTags.Base.ExifImageWidth], sub[ExifTags.Base.ExifImageHeight] = size
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    for name, value in merged.items():
        if value is None:
            continue
        if name in _GPS_TAGS:
            continue
        tag = names[name]
        if isinstance(value, Fraction | float):
            value = _rational(value)
        (exif if name in _IFD0_TAGS else sub)[tag] = value
    lat, lon = merged.get("GPSLatitude"), merged.get("GPSLongitude")
    if lat is not None and lon is not None:
        gps[ExifTags.GPS.GPSVersionID] = b"\x02\x03\x00\x00"
        gps[ExifTags.GPS.GPSLatitudeRef] = "S" if lat < 0 else "N"
        gps[ExifTags.GPS.GPSLatitude] = _dms(lat)
        gps[ExifTags.GPS.GPSLongitudeRef] = "W" if lon < 0 else "E"
        gps[ExifTags.GPS.GPSLongitude] = _dms(lon)
        alt = merged.get("GPSAltitude")
        if alt is not None:
            gps[ExifTags.GPS.GPSAltitudeRef] = b"\x01" if alt < 0 else b"\x00"
            gps[ExifTags.GPS.GPSAltitude] = _rational(abs(alt))
    return exif


# ----------------------------------------------------------------------------- files


def make_camera_jpeg(
    path: str | os.PathLike[str],
    *,
    size: tuple[int, int] = (6000, 4000),
    exif: dict[str, Any] | None = None,
    orientation: int = 1,
    quality: int = 90,
    seed: int = 0,
    scene: str = "natural",
    pixels: Rgb | None = None,
) -> Path:
    """A camera-like JPEG of ``size`` stored pixels (before orientation) with full EXIF.

    ``pixels`` replaces the generated content (e.g. an image with marker pixels).
    """
    out = Path(path)
    if pixels is not None:
        picture = Image.fromarray(pixels, "RGB")
    else:
        picture = natural_picture(*size, seed=seed, scene=scene)
    exif_block = build_exif(exif, orientation=orientation, size=picture.size)
    picture.save(out, "JPEG", quality=quality, exif=exif_block)
    return out


def make_png(
    path: str | os.PathLike[str],
    *,
    size: tuple[int, int] = (640, 480),
    mode: str = "RGB",
    seed: int = 0,
) -> Path:
    """PNG in ``mode``: RGB, RGBA, L, LA, P or I;16 (16-bit grey)."""
    out = Path(path)
    image = natural_picture(*size, seed=seed)
    if mode == "I;16":
        grey = np.asarray(image.convert("L")).astype("<u2") * 257
        image = Image.fromarray(grey)  # uint16 → mode I;16
    elif mode == "P":
        image = image.quantize(64)
    elif mode != "RGB":
        image = image.convert(mode)
    image.save(out, "PNG")
    return out


def make_webp(
    path: str | os.PathLike[str], *, size: tuple[int, int] = (640, 480), seed: int = 0
) -> Path:
    out = Path(path)
    natural_picture(*size, seed=seed).save(out, "WEBP", quality=85)
    return out


def make_tiff(
    path: str | os.PathLike[str],
    *,
    size: tuple[int, int] = (640, 480),
    bits: int = 8,
    seed: int = 0,
    compression: str | None = None,
) -> Path:
    """TIFF, 8-bit RGB or (bits=16) 16-bit RGB written with tifffile, as scanners do."""
    out = Path(path)
    rgb = natural_image(*size, seed=seed)
    if bits == 16:
        import tifffile

        tifffile.imwrite(out, rgb.astype(np.uint16) * 257, photometric="rgb")
    else:
        Image.fromarray(rgb, "RGB").save(out, "TIFF", compression=compression)
    return out


def make_heic(
    path: str | os.PathLike[str],
    *,
    size: tuple[int, int] = (320, 240),
    exif: dict[str, Any] | None = None,
    orientation: int = 1,
    seed: int = 0,
) -> Path:
    """Small HEIC (pillow-heif encoding is slow; keep sizes tiny)."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = Path(path)
    image = natural_picture(*size, seed=seed)
    exif_block = build_exif(exif, orientation=orientation, size=size).tobytes()
    image.save(out, "HEIF", quality=80, exif=exif_block)
    return out


def make_dng(
    path: str | os.PathLike[str],
    *,
    with_preview: bool,
    size: tuple[int, int] = (1200, 800),
    preview_size: tuple[int, int] = (600, 400),
    make: str = "Canon",
    model: str = "Canon EOS R6",
    seed: int = 0,
    preview_pixels: Rgb | None = None,
    preview_jpeg: bool = False,
    capture_time: str | None = None,
) -> Path:
    """A minimal CFA DNG that LibRaw opens.

    ``capture_time`` ("YYYY:MM:DD HH:MM:SS") is written as IFD0's DateTime.

    ``preview_jpeg`` stores the preview JPEG-compressed (as cameras do), which LibRaw
    hands back as a JPEG thumbnail; otherwise it is an uncompressed bitmap.

    ``preview_pixels`` replaces the downscaled scene in the preview, so a test can tell
    the embedded preview from a demosaiced image.

    With a preview, IFD0 is an uncompressed RGB preview (LibRaw returns it as a bitmap
    thumbnail) and the raw CFA data is in a SubIFD, like camera DNGs; without one, IFD0 is
    the CFA image itself and only demosaicing can show it.
    """
    import tifffile

    out = Path(path)
    width, height = size
    rgb = natural_image(width, height, seed=seed).astype(np.uint16)
    cfa = np.empty((height, width), np.uint16)  # RGGB Bayer mosaic, 12-bit
    cfa[0::2, 0::2] = rgb[0::2, 0::2, 0] * 16
    cfa[0::2, 1::2] = rgb[0::2, 1::2, 1] * 16
    cfa[1::2, 0::2] = rgb[1::2, 0::2, 1] * 16
    cfa[1::2, 1::2] = rgb[1::2, 1::2, 2] * 16
    identity = [(1, 1), (0, 1), (0, 1), (0, 1), (1, 1), (0, 1), (0, 1), (0, 1), (1, 1)]
    common = [
        (271, "s", 0, make, True),  # Make
        (272, "s", 0, model, True),  # Model
        (50706, "B", 4, (1, 4, 0, 0), True),  # DNGVersion
        (50708, "s", 0, model, True),  # UniqueCameraModel
        (50721, "2i", 9, [v for pair in identity for v in pair], True),  # ColorMatrix1
        (50778, "H", 1, 21, True),  # CalibrationIlluminant1 = D65
        (50728, "2I", 3, (1, 1, 1, 1, 1, 1), True),  # AsShotNeutral
    ]
    if capture_time is not None:
        common.append((306, "s", 0, capture_time, True))  # DateTime
    cfa_tags = [
        (33421, "H", 2, (2, 2), True),  # CFARepeatPatternDim
        (33422, "B", 4, (0, 1, 1, 2), True),  # CFAPattern RGGB
        (50714, "H", 1, 0, True),  # BlackLevel
        (50717, "H", 1, 4095, True),  # WhiteLevel
    ]
    with tifffile.TiffWriter(out) as tif:
        if with_preview:
            if preview_pixels is None:
                scene = Image.fromarray(rgb.astype(np.uint8), "RGB")
                preview_pixels = np.asarray(scene.resize(preview_size))
            tif.write(
                preview_pixels,
                photometric="rgb",
                subfiletype=1,
                subifds=1,
                compression="jpeg" if preview_jpeg else None,
                rowsperstrip=preview_pixels.shape[0],  # one JPEG stream, as cameras write it
                extratags=common,
                metadata=None,
            )
            tif.write(cfa, photometric=32803, subfiletype=0, extratags=cfa_tags, metadata=None)
        else:
            tif.write(
                cfa,
                photometric=32803,
                subfiletype=0,
                extratags=common + cfa_tags,
                metadata=None,
            )
    return out


def make_oriented_marker_jpeg(
    path: str | os.PathLike[str], orientation: int, *, size: tuple[int, int] = (400, 240)
) -> Path:
    """Stored pixels with a red block at the stored top-left and a green block at the
    stored top-right, so a test can see where each corner lands once displayed."""
    width, height = size
    pixels = np.full((height, width, 3), 128, np.uint8)
    block = max(8, min(size) // 8)
    pixels[:block, :block] = (255, 0, 0)
    pixels[:block, -block:] = (0, 255, 0)
    return make_camera_jpeg(path, size=size, orientation=orientation, pixels=pixels, quality=95)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def make_png_bomb(path: str | os.PathLike[str], *, side: int = 100_000) -> Path:
    """A ~100-byte PNG whose header claims side×side pixels (a decompression bomb)."""
    out = Path(path)
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\x00" * 1024)
    out.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )
    return out


def make_corrupt_variants(folder: str | os.PathLike[str]) -> dict[str, Path]:
    """One file per way a photo can be bad. Keys name the case.

    ``png_named_jpg`` is the odd one out: valid content under the wrong extension, which
    must decode (content wins).
    """
    base = Path(folder)
    base.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1234)
    variants: dict[str, Path] = {}

    variants["zero_bytes"] = base / "zero_bytes.jpg"
    variants["zero_bytes"].write_bytes(b"")

    good = make_camera_jpeg(base / "whole.jpg", size=(800, 600), seed=7)
    data = good.read_bytes()
    good.unlink()
    variants["truncated_jpeg"] = base / "truncated.jpg"
    variants["truncated_jpeg"].write_bytes(data[: len(data) // 2])

    variants["random_bytes"] = base / "random_bytes.jpg"
    variants["random_bytes"].write_bytes(rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())

    variants["png_named_jpg"] = make_png(base / "actually_png.jpg", size=(320, 200), seed=3)

    variants["png_bomb"] = make_png_bomb(base / "bomb.png")

    variants["text_named_heic"] = base / "notes.heic"
    variants["text_named_heic"].write_text("shopping list: film, batteries\n" * 4)
    return variants


def non_utf8_name(folder: str | os.PathLike[str], stem: bytes = b"caf\xe9") -> str:
    """A path (str, surrogate-escaped) whose file name is not valid UTF-8 (Latin-1 é)."""
    return os.fsdecode(os.path.join(os.fsencode(os.fspath(folder)), stem + b".jpg"))
