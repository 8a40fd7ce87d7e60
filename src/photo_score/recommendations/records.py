"""The input of the recommendations: plain per-photo records, and their columnar form.

Both the CLI (from the local SQLite cache) and the cloud (from PostgreSQL rows) describe a
collection as records — ``image_id``, ``attributes``, ``features``, ``measurements``,
``capture_time``, ``final_score``, ``analyzer`` — and turn them into one
:class:`PhotoTable` of numpy arrays with :func:`table_from_records`. Everything downstream is
vectorised over that table, so 100,000 photos cost milliseconds once the table exists.

A record may be a :class:`PhotoRecord` or any mapping with the same keys (a database row
as a dict); unknown keys are ignored and every key but ``image_id`` is optional.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from photo_score.models import ATTRIBUTES
from photo_score.scoring import ScoringConfig, default_config, score_matrix
from photo_score.storage.cache import Cache

Array = npt.NDArray[np.float64]
Codes = npt.NDArray[np.int32]

CATEGORICAL_FEATURES: tuple[str, ...] = (
    "scene_type",
    "subject_position",
    "background",
    "lighting",
    "color_palette",
    "depth_of_field",
    "motion",
    "human_presence",
    "time_of_day",
    "weather_visible",
    "estimated_location_type",
    "exposure_key",
    "blur_type",
)
"""Single-valued features the personality reads (vision and local enumerations alike).
Free text (``main_subject``, ``notable_elements``) is left out: it has no fixed levels."""

ISSUES_FEATURE = "technical_issues"
"""The one multi-valued feature: a list of issue names (``["none"]`` when clean)."""

MEASUREMENT_KEYS: tuple[str, ...] = (
    "luma_p1",
    "luma_p50",
    "luma_p99",
    "clip_highlights",
    "clip_shadows",
    "contrast_rms",
    "subject_area",
    "clutter",
    "centre_distance",
    "thirds_distance",
    "saliency_ratio",
    "colourfulness",
    "noise_sigma",
    "face_count",
    "tilt_deg",
)
"""Measured quantities (local analyzer) the personality uses. A sync that wants the cloud's
profile to match the local one must carry at least these keys of ``measurements``."""

MAX_LEVEL_CHARS = 64  # a feature value longer than this is cut: levels are labels, not prose


class PhotoRecord(BaseModel):
    """One photo as the recommendations see it (a cache row or a cloud database row)."""

    model_config = ConfigDict(frozen=True)

    image_id: str
    attributes: dict[str, float] = Field(default_factory=dict)
    features: dict[str, Any] = Field(default_factory=dict)
    measurements: dict[str, float] = Field(default_factory=dict)
    capture_time: str | None = None  # ISO 8601 ("2023-02-21T14:05:07+01:00")
    final_score: float | None = None  # 0–100; None → computed from attributes and a config
    analyzer: str | None = None  # "local", "openrouter:<model>", "cloud"


@dataclass(frozen=True, slots=True)
class Categorical:
    """One categorical column: ``codes[i]`` indexes ``levels``; -1 = absent."""

    codes: Codes
    levels: tuple[str, ...]  # sorted, so the encoding does not depend on input order

    def mask(self, level: str) -> npt.NDArray[np.bool_]:
        if level not in self.levels:
            return np.zeros(len(self.codes), dtype=np.bool_)
        result: npt.NDArray[np.bool_] = self.codes == self.levels.index(level)
        return result


@dataclass(frozen=True, slots=True)
class PhotoTable:
    """A collection in columns; row ``i`` of every array is photo ``image_ids[i]``."""

    image_ids: list[str]
    values: Array  # (N, 6) attributes in ATTRIBUTES order, NaN = missing
    final: Array  # (N,) 0–100, NaN = unscorable
    analyzer: Categorical
    features: dict[str, Categorical]  # one per CATEGORICAL_FEATURES key
    issues: npt.NDArray[np.bool_]  # (N, K) technical issues present (never "none")
    issue_levels: tuple[str, ...]
    measurements: dict[str, Array]  # one (N,) column per MEASUREMENT_KEYS key, NaN = missing
    month: npt.NDArray[np.int64]  # year*12 + month-1 of the capture time, -1 = unknown

    def __len__(self) -> int:
        return len(self.image_ids)

    def feature(self, key: str) -> Categorical:
        return self.features[key]


def _level(value: Any) -> str | None:
    """A feature value as a level name; lists, dicts and empty values are not levels."""
    if value is None or isinstance(value, (list, dict, tuple, set)):
        return None
    text = str(value).strip()
    if not text:
        return None
    return text[:MAX_LEVEL_CHARS]


def _encode(column: list[Any]) -> Categorical:
    """Raw values → codes over sorted levels; unhashable or empty values → -1."""
    try:  # fast path: two C-level passes over hashable values
        index = {v: i for i, v in enumerate(dict.fromkeys(column))}
        raw = list(map(index.__getitem__, column))
    except TypeError:  # an unhashable value (a list where a string was expected)
        column = [v if isinstance(v, Hashable) else None for v in column]
        index = {v: i for i, v in enumerate(dict.fromkeys(column))}
        raw = list(map(index.__getitem__, column))
    named = [(_level(v) if not isinstance(v, tuple) else None, c) for v, c in index.items()]
    levels = tuple(sorted({name for name, _ in named if name is not None}))
    names = {name: i for i, name in enumerate(levels)}  # several raw values may share one
    remap = np.full(len(index) + 1, -1, dtype=np.int32)
    for name, code in named:
        if name is not None:
            remap[code] = names[name]
    codes = remap[np.asarray(raw, dtype=np.int64)] if raw else np.zeros(0, dtype=np.int32)
    return Categorical(codes.astype(np.int32, copy=False), levels)


def parse_month(capture_time: str | None) -> int:
    """``year*12 + month-1`` of an ISO 8601 (or EXIF ``YYYY:MM``) time; -1 when unknown."""
    if not capture_time or len(capture_time) < 7 or capture_time[4] not in "-:":
        return -1
    try:
        year, month = int(capture_time[0:4]), int(capture_time[5:7])
    except ValueError:
        return -1
    if not (1800 <= year <= 2200 and 1 <= month <= 12):
        return -1
    return year * 12 + month - 1


def _as_float(value: Any) -> float:
    if value is None or isinstance(value, bool):
        return math.nan
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def _matrix(rows: list[list[Any]], width: int) -> Array:
    """Rows of numbers (None = missing) → float array; non-finite or non-numbers → NaN."""
    try:
        matrix = np.array(rows, dtype=np.float64).reshape(len(rows), width)
    except (TypeError, ValueError):  # a string or an object among the numbers: sanitise
        matrix = np.array([[_as_float(v) for v in row] for row in rows], dtype=np.float64).reshape(
            len(rows), width
        )
    matrix[~np.isfinite(matrix)] = np.nan
    return matrix


def _vector(items: list[Any]) -> Array:
    """1-D version of :func:`_matrix`."""
    try:
        vector = np.array(items, dtype=np.float64).reshape(len(items))
    except (TypeError, ValueError):
        vector = np.array([_as_float(v) for v in items], dtype=np.float64).reshape(len(items))
    vector[~np.isfinite(vector)] = np.nan
    return vector


def _as_dict(record: PhotoRecord | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(record, dict):
        return record
    if isinstance(record, PhotoRecord):
        return record.__dict__
    return dict(record)


def table_from_records(
    records: Iterable[PhotoRecord | Mapping[str, Any]], config: ScoringConfig | None = None
) -> PhotoTable:
    """Build the columnar table. Missing final scores are computed with ``config``.

    One pass over the records in Python (the unavoidable part), then numpy. Duplicate
    image ids are kept as given: the caller decides which result represents a photo.
    The cyclic garbage collector is paused during the pass: the records are plain data,
    and its repeated scans of 100,000 nested dicts otherwise cost more than the pass.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(records, config)
    finally:
        if gc_was_enabled:
            gc.enable()


def _build(
    records: Iterable[PhotoRecord | Mapping[str, Any]], config: ScoringConfig | None
) -> PhotoTable:
    rows = [_as_dict(r) for r in records]
    n = len(rows)
    nan = math.nan
    ids: list[str] = []
    attrs: list[list[Any]] = []
    measured_rows: list[int] = []
    measured: list[Mapping[str, Any]] = []
    feats: list[tuple[Any, ...]] = []
    issue_rows: list[Any] = []
    finals: list[Any] = []
    analyzers: list[Any] = []
    months: list[Any] = []
    for i, r in enumerate(rows):
        ids.append(str(r.get("image_id")))
        a = r.get("attributes") or {}
        attrs.append(list(map(a.get, ATTRIBUTES, repeat(nan))))
        m = r.get("measurements")
        if m:
            measured_rows.append(i)
            measured.append(m)
        f = r.get("features") or {}
        feats.append(tuple(map(f.get, CATEGORICAL_FEATURES)))
        issue_rows.append(f.get(ISSUES_FEATURE))
        finals.append(r.get("final_score", nan))
        analyzers.append(r.get("analyzer"))
        t = r.get("capture_time")
        months.append(t[:7] if isinstance(t, str) else None)

    values = _matrix(attrs, len(ATTRIBUTES))
    final = _vector(finals)
    todo = np.isnan(final)
    if todo.any():
        scored = score_matrix(values[todo], config or default_config()).final
        final[todo] = scored
    with np.errstate(invalid="ignore"):
        final = np.where((final >= 0) & (final <= 100), final, np.nan)

    columns: dict[str, Array] = {}
    at = np.array(measured_rows, dtype=np.int64)
    for key in MEASUREMENT_KEYS:
        column = np.full(n, np.nan)
        column[at] = _vector([d.get(key, nan) for d in measured])
        columns[key] = column

    feature_columns = list(zip(*feats, strict=True)) if feats else [()] * len(CATEGORICAL_FEATURES)
    features = {
        key: _encode(list(col))
        for key, col in zip(CATEGORICAL_FEATURES, feature_columns, strict=True)
    }
    month_of = {prefix: parse_month(prefix) for prefix in dict.fromkeys(months)}
    issues, issue_levels = _issues(issue_rows)
    return PhotoTable(
        image_ids=ids,
        values=values,
        final=final,
        analyzer=_encode(analyzers),
        features=features,
        issues=issues,
        issue_levels=issue_levels,
        measurements=columns,
        month=np.array(list(map(month_of.__getitem__, months)), dtype=np.int64).reshape(n),
    )


def _issues(column: Sequence[Any]) -> tuple[npt.NDArray[np.bool_], tuple[str, ...]]:
    parsed: dict[tuple[Any, ...], list[str]] = {}  # few distinct issue lists: parse each once
    pairs: list[tuple[int, str]] = []
    for i, value in enumerate(column):
        if not isinstance(value, (list, tuple)) or not value:
            continue
        try:
            key = tuple(value)
            names = parsed.get(key)
        except TypeError:  # an unhashable item
            key, names = (), None
        if names is None:
            names = [x for x in map(_level, value) if x is not None and x != "none"]
            if key:
                parsed[key] = names
        pairs.extend((i, name) for name in names)
    levels = tuple(sorted({name for _, name in pairs}))
    index = {name: j for j, name in enumerate(levels)}
    matrix = np.zeros((len(column), len(levels)), dtype=np.bool_)
    if pairs:
        rows = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        cols = np.fromiter((index[name] for _, name in pairs), dtype=np.int64, count=len(pairs))
        matrix[rows, cols] = True
    return matrix, levels


def records_from_cache(cache: Cache, config: ScoringConfig | None = None) -> list[PhotoRecord]:
    """Every cached photo's best result as a record (the one scoring uses).

    ``final_score`` is filled in with ``config`` so the records carry what the user sees.
    """
    rows = cache.load_attributes()
    if not rows.image_ids:
        return []
    finals = score_matrix(rows.values, config or default_config()).final
    results = cache.get_best_results(rows.image_ids)
    metadata = cache.get_metadata(rows.image_ids)
    records: list[PhotoRecord] = []
    for image_id, final, analyzer in zip(rows.image_ids, finals, rows.analyzers, strict=True):
        result = results.get(image_id)
        md = metadata.get(image_id)
        records.append(
            PhotoRecord(
                image_id=image_id,
                attributes=dict(result.attributes) if result else {},
                features=dict(result.features) if result else {},
                measurements=dict(result.measurements) if result else {},
                capture_time=md.capture_time if md else None,
                final_score=None if math.isnan(final) else float(final),
                analyzer=analyzer,
            )
        )
    records.sort(key=lambda r: r.image_id)  # a stable order: the output never depends on SQL
    return records


def table_from_cache(cache: Cache, config: ScoringConfig | None = None) -> PhotoTable:
    """The whole local collection as a table (every image with a cached result)."""
    return table_from_records(records_from_cache(cache, config), config)
