"""Decode a photo once, small: the preview every analyzer shares.

Cost matters more than anything here (a cold run over 50,000 photos is decode-bound), so
JPEGs are decoded by libjpeg at 1/2, 1/4 or 1/8 scale (``draft``), metadata is read from
the same open file, and orientation is applied to the small result, not the big one.
Every failure of a bad file becomes a PhotoError with a reason a photographer can act on.
"""

from __future__ import annotations

import os
from io import BytesIO
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pillow_heif
import rawpy
from PIL import Image, UnidentifiedImageError

from photo_score.errors import (
    CorruptImageError,
    ImageTooLargeError,
    PhotoError,
    UnsupportedFormatError,
)
from photo_score.ingest.discover import RAW_EXTENSIONS
from photo_score.ingest.exif import read_metadata
from photo_score.ingest.geometry import apply_orientation, preview_dimensions
from photo_score.ingest.prepared import PreparedPhoto
from photo_score.ingest.sniff import IMAGE_KINDS, sniff
from photo_score.models import PhotoMetadata

Array = npt.NDArray[np.uint8]

pillow_heif.register_heif_opener()
# Pillow's own bomb check is global and warns from 89 MP, which real 100 MP medium-format
# files exceed. prepare_photo enforces its ``max_pixels`` on the header size instead,
# before any pixel is decoded.
Image.MAX_IMAGE_PIXELS = None

# Content wins over the extension, but only among these (JPEG covers MPO): Pillow's
# other plugins include EPS, whose load() runs Ghostscript on whatever a .jpg contains.
_FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "HEIF", "AVIF", "GIF", "BMP")

# libraw's "flip" → the EXIF orientation it stands for.
_FLIP_TO_ORIENTATION = {0: 1, 3: 3, 5: 8, 6: 6}


def prepare_photo(
    path: str,
    image_id: str,
    *,
    preview_size: int = 1024,
    max_pixels: int = 250_000_000,
) -> PreparedPhoto:
    """Open ``path`` once and return its metadata and an RGB uint8 preview.

    The preview's long edge is at most ``preview_size`` and orientation is applied.
    Raises CorruptImageError, UnsupportedFormatError or ImageTooLargeError, and nothing
    else, for a bad file.
    """
    photo = _prepare(path, image_id, preview_size, max_pixels)
    # One preview is shared by every analyzer: make accidental in-place edits fail loudly.
    photo.preview.setflags(write=False)
    return photo


def prepare_bytes(
    data: bytes,
    image_id: str,
    *,
    label: str = "upload",
    preview_size: int = 1024,
    max_pixels: int = 250_000_000,
) -> PreparedPhoto:
    """:func:`prepare_photo` for an image held in memory (an upload); nothing touches disk.

    Same formats, pixel limit, orientation and errors (named by ``label``); RAW is not
    accepted from memory.
    """
    if not data:
        raise CorruptImageError(label, "file is empty (0 bytes)")
    metadata, preview = _prepare_pillow(BytesIO(data), label, "", preview_size, max_pixels)
    preview.setflags(write=False)
    return PreparedPhoto(image_id, label, metadata, preview)


def _prepare(path: str, image_id: str, preview_size: int, max_pixels: int) -> PreparedPhoto:
    ext = os.path.splitext(path)[1].lower()
    try:
        with open(path, "rb") as fh:
            if os.fstat(fh.fileno()).st_size == 0:
                raise CorruptImageError(path, "file is empty (0 bytes)")
            if ext in RAW_EXTENSIONS:
                raw_result = _prepare_raw(fh, path, preview_size, max_pixels)
                if raw_result is not None:
                    metadata, preview = raw_result
                    return PreparedPhoto(image_id, path, metadata, preview)
                fh.seek(0)
            metadata, preview = _prepare_pillow(fh, path, ext, preview_size, max_pixels)
    except PhotoError:
        raise
    except PermissionError:
        raise CorruptImageError(path, "cannot read the file: permission denied") from None
    except FileNotFoundError:
        raise CorruptImageError(path, "file not found (moved or deleted?)") from None
    except IsADirectoryError:
        raise UnsupportedFormatError(path, "is a directory, not a photo") from None
    except OSError as exc:
        raise CorruptImageError(path, f"cannot read the file: {exc.strerror or exc}") from None
    return PreparedPhoto(image_id, path, metadata, preview)


def _prepare_pillow(
    fh: Any, path: str, ext: str, preview_size: int, max_pixels: int
) -> tuple[PhotoMetadata, Array]:
    try:
        image = Image.open(fh, formats=_FORMATS)
    except UnidentifiedImageError:
        fh.seek(0)
        raise _unidentified(path, ext, fh.read(64)) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLargeError(path, str(exc)) from None
    except Exception as exc:  # a plugin choking on a damaged header
        fh.seek(0)
        kind = sniff(fh.read(64))
        kind = kind if kind in IMAGE_KINDS else "image"
        raise CorruptImageError(path, f"damaged {kind} header: {_describe(exc)}") from None
    with image:
        _check_pixels(path, image.size, max_pixels)
        metadata = read_metadata(image)  # before draft(), which changes image.size
        fmt = image.format or "image"
        try:
            if fmt in {"JPEG", "MPO"}:
                _draft(image, preview_size)
            image.load()
            rgb = _to_rgb(image)
            preview = _fit(rgb, preview_size)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageTooLargeError(path, str(exc)) from None
        except MemoryError:
            raise ImageTooLargeError(path, "not enough memory to decode it") from None
        except Exception as exc:
            raise CorruptImageError(path, _decode_failure(fmt, exc)) from None
    if "original_orientation" not in image.info:  # pillow-heif already applied it
        preview = apply_orientation(preview, metadata.orientation)
    return metadata, preview


def _draft(image: Image.Image, preview_size: int) -> None:
    """Ask libjpeg for the smallest 1/2^n scale whose long edge is still ≥ preview_size."""
    width, height = image.size
    long_edge = max(width, height)
    if long_edge <= preview_size:
        return
    # Request the aspect-correct target: Pillow picks the scale from the tighter axis.
    request = (
        max(1, -(-width * preview_size // long_edge)),
        max(1, -(-height * preview_size // long_edge)),
    )
    image.draft("RGB", request)


def _check_pixels(path: str, size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise CorruptImageError(path, f"invalid dimensions {width}×{height}")
    if width * height > max_pixels:
        raise ImageTooLargeError(
            path,
            f"{width}×{height} pixels ({width * height / 1e6:,.0f} MP) is over the "
            f"{max_pixels / 1e6:,.0f} MP limit (possible decompression bomb)",
        )


def _to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode → RGB. High bit depths are scaled, not clipped; alpha goes on white."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode.startswith("I;16"):
        return _gray_image(_scale_to_uint8(np.asarray(image), sixteen_bit=True))
    if mode in {"I", "F"}:
        return _gray_image(_scale_to_uint8(np.asarray(image)))
    if mode in {"RGBA", "LA", "PA", "RGBa", "La"} or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")  # L, P, 1, CMYK, YCbCr, LAB, HSV, RGBX …


def _scale_to_uint8(values: npt.NDArray[Any], *, sixteen_bit: bool = False) -> Array:
    """Map to 0..255: 16-bit data by its full range; "I"/"F" data by what it looks like."""
    if values.dtype == np.uint8:
        return values
    data = values.astype(np.float32)
    top = float(data.max()) if data.size else 0.0
    if sixteen_bit or values.dtype.itemsize == 2 or top > 255.0:
        data *= 255.0 / 65535.0
    elif values.dtype.kind == "f" and top <= 1.0:
        data *= 255.0
    return cast(Array, np.clip(data + 0.5, 0, 255).astype(np.uint8))


def _gray_image(gray: Array) -> Image.Image:
    return Image.fromarray(gray).convert("RGB")


def _fit(image: Image.Image, preview_size: int) -> Array:
    """Area-average down to the preview size and hand back a contiguous array.

    Pillow's BOX filter is a true area average and measured faster here than
    cv2.INTER_AREA on the ~1.5× reductions a JPEG draft leaves (9 vs 13 ms at 1500 px).
    """
    size = preview_dimensions(*image.size, preview_size)
    if size != image.size:
        image = image.resize(size, Image.Resampling.BOX)
    return np.asarray(image)


def fit_preview(rgb: Array, preview_size: int) -> Array:
    """``_fit`` for pixels that arrive as an array (RAW bitmaps and demosaiced data)."""
    return _fit(Image.fromarray(np.ascontiguousarray(rgb), "RGB"), preview_size)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or exc.__class__.__name__


def _decode_failure(fmt: str, exc: BaseException) -> str:
    text = _describe(exc)
    if "truncated" in text:
        return f"truncated {fmt}: the file ends before the image data does ({text})"
    return f"cannot decode {fmt}: {text}"


def _unidentified(path: str, ext: str, head: bytes) -> PhotoError:
    kind = sniff(head)
    shown = ext or "(none)"
    if kind in IMAGE_KINDS:
        return CorruptImageError(path, f"damaged {kind} file: its header cannot be read")
    reason = f"not a recognised image: content is {kind} but extension is {shown}"
    if kind == "unknown":
        return CorruptImageError(path, reason)
    return UnsupportedFormatError(path, reason)


# ---------------------------------------------------------------------------- RAW


def _prepare_raw(
    fh: Any, path: str, preview_size: int, max_pixels: int
) -> tuple[PhotoMetadata, Array] | None:
    """Embedded preview first (fast, camera-rendered) when it is big enough to judge;
    demosaic at half size otherwise.

    Returns None when LibRaw does not recognise the content, so Pillow gets a chance
    (a JPEG saved as .dng still decodes: content wins).
    """
    try:
        raw = _open_raw(fh, path)
    except rawpy.LibRawFileUnsupportedError:
        return None
    except rawpy.LibRawError as exc:
        raise CorruptImageError(path, f"cannot read RAW: {_describe(exc)}") from None
    with raw:
        sizes = raw.sizes
        _check_pixels(path, (sizes.raw_width, sizes.raw_height), max_pixels)
        orientation = _FLIP_TO_ORIENTATION.get(sizes.flip, 1)
        display = (sizes.width, sizes.height)
        if orientation >= 5:
            display = (sizes.height, sizes.width)
        try:
            wanted = min(preview_size, max(sizes.width, sizes.height) // 2)
            preview, exif_meta = _raw_preview(raw, preview_size, orientation, wanted)
        except PhotoError:
            raise
        except Exception as exc:
            raise CorruptImageError(path, f"cannot decode RAW: {_describe(exc)}") from None
    if exif_meta is None:
        fh.seek(0)
        exif_meta = _tiff_exif(fh)
    base = exif_meta or PhotoMetadata()
    metadata = base.model_copy(
        update={
            "orientation": orientation,
            "width": display[0],
            "height": display[1],
            "format": "RAW",
        }
    )
    return metadata, preview


def _open_raw(fh: Any, path: str) -> Any:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return rawpy.imread(fh)  # LibRaw wants UTF-8 paths; hand it the bytes instead
    return rawpy.imread(path)


def _raw_preview(
    raw: Any, preview_size: int, orientation: int, wanted: int
) -> tuple[Array, PhotoMetadata | None]:
    """The embedded preview when its long edge reaches ``wanted``, else a demosaic.

    ``wanted`` is the preview size, or half the sensor's long edge when that is smaller
    (what a half-size demosaic gives). A smaller embedded image is a thumbnail (phone DNGs
    and older bodies carry 160–640 px ones): judged at that size, sharpness and noise
    would be read on a quarter of the pixels the analyzer expects, so the slower demosaic
    is worth it.
    """
    thumb = None
    try:
        thumb = raw.extract_thumb()
    except (rawpy.LibRawNoThumbnailError, rawpy.LibRawUnsupportedThumbnailError):
        thumb = None
    exif: PhotoMetadata | None = None
    if thumb is not None and thumb.format == rawpy.ThumbFormat.JPEG:
        with Image.open(BytesIO(thumb.data), formats=("JPEG",)) as jpeg:
            # The embedded JPEG's EXIF is the file's, even when its pixels are too few.
            meta = read_metadata(jpeg)
            if meta.camera_make is not None or meta.capture_time is not None:
                exif = meta
            if max(jpeg.size) >= wanted:
                _draft(jpeg, preview_size)
                jpeg.load()
                small = _fit(_to_rgb(jpeg), preview_size)
                return apply_orientation(small, orientation), exif
    if thumb is not None and thumb.format == rawpy.ThumbFormat.BITMAP:
        bitmap = np.asarray(thumb.data)
        if max(bitmap.shape[:2]) >= wanted:
            small = fit_preview(_scale_to_uint8(bitmap), preview_size)
            return apply_orientation(small, orientation), None
    developed = raw.postprocess(half_size=True, use_camera_wb=True, output_bps=8)
    return fit_preview(np.asarray(developed, dtype=np.uint8), preview_size), exif


def _tiff_exif(fh: Any) -> PhotoMetadata | None:
    """Most RAW formats are TIFF containers: read their EXIF without decoding pixels."""
    try:
        with Image.open(fh, formats=("TIFF",)) as image:
            return read_metadata(image)
    except Exception:  # not TIFF-based (CR3, RAF, RW2) or unreadable: no EXIF, no error
        return None
