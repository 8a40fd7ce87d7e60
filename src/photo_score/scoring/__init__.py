"""Scoring: config, reducer, tiers and explanations — one implementation for every surface.

The cloud, the sidecar and the CLI import from here and nowhere deeper.
"""

from photo_score.scoring.config import (
    ModelSpec,
    Penalty,
    ScoringConfig,
    Tier,
    VisionConfig,
    XmpMark,
    config_json_schema,
    default_config,
    dump_config_yaml,
    load_config,
    parse_config,
    write_config_schema,
)
from photo_score.scoring.explanations import (
    DISPLAY_NAMES,
    Counterfactual,
    Explanation,
    counterfactual,
    explain,
    explain_many,
)
from photo_score.scoring.reducer import (
    PenaltyHit,
    ScoreArrays,
    ScoreBreakdown,
    UnscorableError,
    breakdown_at,
    score_matrix,
    score_one,
    to_matrix,
)
from photo_score.scoring.tiers import (
    TIER_NAMES,
    tier_bands,
    tier_for,
    tier_names,
    tiers_for,
    xmp_for,
)

__all__ = [
    "DISPLAY_NAMES",
    "TIER_NAMES",
    "Counterfactual",
    "Explanation",
    "ModelSpec",
    "Penalty",
    "PenaltyHit",
    "ScoreArrays",
    "ScoreBreakdown",
    "ScoringConfig",
    "Tier",
    "UnscorableError",
    "VisionConfig",
    "XmpMark",
    "breakdown_at",
    "config_json_schema",
    "counterfactual",
    "default_config",
    "dump_config_yaml",
    "explain",
    "explain_many",
    "load_config",
    "parse_config",
    "score_matrix",
    "score_one",
    "tier_bands",
    "tier_for",
    "tier_names",
    "tiers_for",
    "to_matrix",
    "write_config_schema",
    "xmp_for",
]
