"""The decoded-once form of a photo that every analyzer receives."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from photo_score.models import PhotoMetadata


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    """A photo decoded once at reduced size, orientation applied.

    ``preview`` is an H×W×3 uint8 RGB array whose long edge is at most the configured
    preview size; analyzers must not decode the file again.
    """

    image_id: str
    path: str
    metadata: PhotoMetadata
    preview: npt.NDArray[np.uint8]
