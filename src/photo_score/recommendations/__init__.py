"""Per-photo advice and the collection-level "photography personality" (DESIGN §8).

One implementation for the CLI, the desktop sidecar and the cloud: pure functions over
plain records, deterministic, with JSON-serialisable pydantic output. See
docs/recommendations.md.

Entry points:

- :func:`personality_from_records` — records (dicts or :class:`PhotoRecord`) → profile;
  the cloud passes its database rows here.
- :func:`personality_from_cache` — the local cache → profile (``photo-score insights``).
- :func:`advise` / :func:`advice_for_image` — one photo against the photographer's own
  typical level (:func:`baseline_from_values` / :func:`baseline_from_cache`).
- :func:`render_html` — a profile as one self-contained HTML file.
"""

from photo_score.recommendations.html_report import render_html
from photo_score.recommendations.individual import (
    MIN_TYPICAL,
    AdviceItem,
    AttributeTypical,
    Baseline,
    CritiqueAdvice,
    IndividualAdvice,
    advice_for_image,
    advise,
    baseline_from_cache,
    baseline_from_values,
)
from photo_score.recommendations.personality import (
    compute_personality,
    personality_from_cache,
    personality_from_records,
)
from photo_score.recommendations.profile import (
    VERSION,
    PersonalityProfile,
    Recommendation,
    StyleDimension,
    Trait,
)
from photo_score.recommendations.records import (
    MEASUREMENT_KEYS,
    PhotoRecord,
    PhotoTable,
    records_from_cache,
    table_from_cache,
    table_from_records,
)
from photo_score.recommendations.thresholds import Thresholds, confidence_for

__all__ = [
    "MEASUREMENT_KEYS",
    "MIN_TYPICAL",
    "VERSION",
    "AdviceItem",
    "AttributeTypical",
    "Baseline",
    "CritiqueAdvice",
    "IndividualAdvice",
    "PersonalityProfile",
    "PhotoRecord",
    "PhotoTable",
    "Recommendation",
    "StyleDimension",
    "Thresholds",
    "Trait",
    "advice_for_image",
    "advise",
    "baseline_from_cache",
    "baseline_from_values",
    "compute_personality",
    "confidence_for",
    "personality_from_cache",
    "personality_from_records",
    "records_from_cache",
    "render_html",
    "table_from_cache",
    "table_from_records",
]
