"""What the collection photographs: genres from ``scene_type``, their shares and scores.

The per-genre score sums are returned alongside the distribution so the genre
recommendations can compare genres without a second pass over the photos.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from photo_score.recommendations.profile import GenreShare, SubjectDistribution
from photo_score.recommendations.records import PhotoTable
from photo_score.recommendations.stats import Array, rnd, rnd_opt

GENRES: tuple[str, ...] = (
    "portraits",
    "landscapes",
    "street",
    "architecture",
    "nature",
    "macro",
    "food",
    "events",
    "other",
    "unknown",
)
_SCENE_TO_GENRE = {
    "portrait": "portraits",
    "landscape": "landscapes",
    "street": "street",
    "architecture": "architecture",
    "nature": "nature",
    "macro": "macro",
    "food": "food",
    "event": "events",
    "other": "other",
}
_GENRE_PHRASES = {
    "street": "street photos",
    "architecture": "architecture photos",
    "nature": "nature photos",
    "macro": "macro shots",
    "food": "food photos",
    "other": "other photos",
}


def genre_phrase(genre: str) -> str:
    """A genre as a plural noun phrase: "portraits", "street photos"."""
    return _GENRE_PHRASES.get(genre, genre)


class GenreSums(NamedTuple):
    """Per-genre count, sum and sum of squares of the final scores (indexed like GENRES)."""

    n: Array
    total: Array
    squares: Array


def _genre_codes(table: PhotoTable) -> npt.NDArray[np.int64]:
    scene = table.feature("scene_type")
    unknown = GENRES.index("unknown")
    lut = []
    for level in scene.levels:
        name = level.lower()
        if name in ("unknown", "none", "n/a"):
            lut.append(unknown)
        else:
            lut.append(GENRES.index(_SCENE_TO_GENRE.get(name, "other")))
    table_lut = np.array([*lut, unknown], dtype=np.int64)
    result: npt.NDArray[np.int64] = table_lut[scene.codes]
    return result


def subject_distribution(table: PhotoTable) -> tuple[SubjectDistribution, GenreSums]:
    genre = _genre_codes(table)
    final = table.final
    n = len(genre)
    k = len(GENRES)
    counts = np.bincount(genre, minlength=k)
    scored = ~np.isnan(final)
    g, f = genre[scored], final[scored]
    s_n = np.bincount(g, minlength=k).astype(np.float64)
    s_sum = np.bincount(g, weights=f, minlength=k).astype(np.float64)
    s_sq = np.bincount(g, weights=f * f, minlength=k).astype(np.float64)
    genres = []
    for j in sorted(range(k), key=lambda j: (-counts[j], j)):
        if counts[j] == 0:
            continue
        mean = s_sum[j] / s_n[j] if s_n[j] else math.nan
        var = max(s_sq[j] / s_n[j] - mean * mean, 0.0) if s_n[j] else math.nan
        genres.append(
            GenreShare(
                genre=GENRES[j],
                count=int(counts[j]),
                share=rnd(counts[j] / n),
                mean_score=rnd_opt(mean, 1),
                std_score=rnd_opt(math.sqrt(var) if not math.isnan(var) else math.nan, 1),
            )
        )
    unknown = int(counts[GENRES.index("unknown")])
    dist = SubjectDistribution(
        genres=genres,
        shares={GENRES[j]: rnd(counts[j] / n) for j in range(k) if counts[j]},
        classified=n - unknown,
        unknown=unknown,
    )
    return dist, GenreSums(s_n, s_sum, s_sq)
