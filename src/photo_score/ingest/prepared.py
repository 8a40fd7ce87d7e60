"""The decoded-once form of a photo that every analyzer receives."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from photo_score.ingest.geometry import area_downscale
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
    _reduced: dict[int, npt.NDArray[np.uint8]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def reduced(self, max_edge: int) -> npt.NDArray[np.uint8]:
        """The preview area-averaged to a long edge of at most ``max_edge``, made once per
        size: the UI thumbnail and the local analyzer's detector frame are both 384 px, and
        the pipeline makes the one right after the other from the same photo."""
        small = self._reduced.get(max_edge)
        if small is None:
            small = np.ascontiguousarray(area_downscale(self.preview, max_edge))
            small.setflags(write=False)
            self._reduced[max_edge] = small
        return small
