"""The one JPEG a photo sends to every vision call.

Decoded, oriented and downscaled by the ingest decoder (so RAW, HEIF and EXIF orientation
behave exactly as everywhere else), then encoded once; the same bytes go to all of the
photo's calls. The encoded file carries no EXIF: GPS and serial numbers never leave the
device inside an image.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cached_property
from io import BytesIO

import numpy as np
import numpy.typing as npt
from PIL import Image

from photo_score.ingest.decode import fit_preview, prepare_photo

JPEG_QUALITY = 85


@dataclass(frozen=True)
class VisionImage:
    jpeg: bytes
    width: int
    height: int

    @cached_property
    def data_uri(self) -> str:
        return "data:image/jpeg;base64," + base64.b64encode(self.jpeg).decode("ascii")

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(self.jpeg).hexdigest()


def encode_rgb(rgb: npt.NDArray[np.uint8], long_edge: int) -> VisionImage:
    """Downscale (never upscale) an oriented RGB array and encode it as a baseline JPEG."""
    small = fit_preview(rgb, long_edge)
    buf = BytesIO()
    Image.fromarray(small, "RGB").save(buf, "JPEG", quality=JPEG_QUALITY)
    height, width = small.shape[:2]
    return VisionImage(buf.getvalue(), width, height)


def prepare_vision_image(
    path: str,
    image_id: str,
    long_edge: int,
    *,
    preview: npt.NDArray[np.uint8] | None = None,
    max_pixels: int = 250_000_000,
) -> VisionImage:
    """Decode ``path`` at ``long_edge`` (or reuse ``preview`` when it is already as large).

    Raises the ingest decoder's PhotoError subclasses for a bad file.
    """
    if preview is not None and max(preview.shape[:2]) >= long_edge:
        return encode_rgb(preview, long_edge)
    photo = prepare_photo(path, image_id, preview_size=long_edge, max_pixels=max_pixels)
    return encode_rgb(photo.preview, long_edge)
