"""The scoring config: a frozen, strictly validated model of the YAML file (DESIGN §4).

Every section has defaults equal to ``default.yaml``, so a user file only states what it
changes; nested mappings merge over the defaults, lists (``penalties``, ``tiers``, a task's
models) replace them whole. Unknown keys are errors: a typo must never fall back silently to
a default. Errors name the file, the dotted key and the rule broken.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from photo_score.errors import ConfigError
from photo_score.models import AESTHETIC, ATTRIBUTES, TECHNICAL, AttributeName
from photo_score.scoring._messages import describe_errors

Weight = Annotated[float, Field(ge=0, strict=True, allow_inf_nan=False)]
Unit = Annotated[float, Field(ge=0, le=1, strict=True, allow_inf_nan=False)]
# Frames of one camera shot at most this many seconds apart (and of one scene) are a burst.
BURST_GAP_S = 2.0
TaskName = Literal["features", "aesthetic", "technical", "metadata", "critique"]
TASK_NAMES: tuple[str, ...] = get_args(TaskName)
assert get_args(AttributeName) == ATTRIBUTES, "AttributeName must list models.ATTRIBUTES"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _require_positive_total(values: dict[str, float]) -> None:
    if not any(v > 0 for v in values.values()):
        raise ValueError("at least one weight must be > 0 (all are 0)")


class AestheticWeights(_Section):
    """Relative weights; only their ratios matter (renormalised within the category)."""

    composition: Weight = 0.40
    subject_strength: Weight = 0.35
    visual_appeal: Weight = 0.25

    @model_validator(mode="after")
    def _not_all_zero(self) -> AestheticWeights:
        _require_positive_total(self.model_dump())
        return self


class TechnicalWeights(_Section):
    sharpness: Weight = 0.40
    exposure_balance: Weight = 0.35
    noise_level: Weight = 0.25

    @model_validator(mode="after")
    def _not_all_zero(self) -> TechnicalWeights:
        _require_positive_total(self.model_dump())
        return self


class Weights(_Section):
    aesthetic: AestheticWeights = AestheticWeights()
    technical: TechnicalWeights = TechnicalWeights()

    def vector(self) -> tuple[float, ...]:
        """The six raw weights in ``models.ATTRIBUTES`` order."""
        a, t = self.aesthetic.model_dump(), self.technical.model_dump()
        return tuple(a[k] for k in AESTHETIC) + tuple(t[k] for k in TECHNICAL)


class CategoryWeights(_Section):
    aesthetic: Weight = 0.6
    technical: Weight = 0.4

    @model_validator(mode="after")
    def _not_all_zero(self) -> CategoryWeights:
        _require_positive_total(self.model_dump())
        return self


class Penalty(_Section):
    """A soft floor: below ``below`` the score is multiplied by a factor falling linearly
    from 1 (at the threshold) to ``1 - max_penalty`` (at 0)."""

    attribute: AttributeName
    below: Annotated[float, Field(gt=0, le=1, strict=True, allow_inf_nan=False)]
    max_penalty: Unit


class Tier(_Section):
    """A band from ``min`` (inclusive) up to the next band's ``min`` (exclusive)."""

    name: Annotated[str, Field(min_length=1)]
    min: Annotated[float, Field(ge=0, le=100, strict=True, allow_inf_nan=False)]


class XmpMark(_Section):
    """What a tier writes to an XMP sidecar (DESIGN §10): -1 means rejected, 0 unrated."""

    rating: Annotated[int, Field(ge=-1, le=5, strict=True)]
    label: str | None = None


class ModelSpec(_Section):
    model: Annotated[str, Field(min_length=1)]
    weight: Annotated[float, Field(gt=0, strict=True, allow_inf_nan=False)] = 1.0


def _default_tasks() -> dict[TaskName, tuple[ModelSpec, ...]]:
    pixtral = (ModelSpec(model="mistralai/pixtral-12b"),)
    pair = (
        ModelSpec(model="qwen/qwen2.5-vl-72b-instruct", weight=0.5),
        ModelSpec(model="google/gemini-2.5-flash", weight=0.5),
    )
    return {
        "features": pixtral,
        "aesthetic": pair,
        "technical": pair,
        "metadata": pixtral,
        "critique": (ModelSpec(model="google/gemini-2.5-flash"),),
    }


class VisionConfig(_Section):
    """Settings of the vision-model pipeline (consumed by ``photo_score.inference``)."""

    image_long_edge: Annotated[int, Field(ge=512, le=4096, strict=True)] = 1536
    max_concurrency: Annotated[int, Field(ge=1, strict=True)] = 16
    requests_per_minute: Annotated[int, Field(ge=1, strict=True)] = 600
    timeout_s: Annotated[float, Field(gt=0, strict=True, allow_inf_nan=False)] = 90.0
    max_retries: Annotated[int, Field(ge=0, strict=True)] = 5
    tasks: dict[TaskName, Annotated[tuple[ModelSpec, ...], Field(min_length=1)]] = Field(
        default_factory=_default_tasks
    )

    @field_validator("tasks", mode="before")
    @classmethod
    def _fill_missing_tasks(cls, value: Any) -> Any:
        """A file that names only some tasks keeps the default models for the others."""
        if isinstance(value, dict):
            return {**_default_tasks(), **value}
        return value


def _default_tiers() -> tuple[Tier, ...]:
    bands = (("Excellent", 85), ("Strong", 70), ("Competent", 50), ("Snapshot", 30))
    return (*(Tier(name=n, min=m) for n, m in bands), Tier(name="Flawed", min=0))


def _default_xmp() -> dict[str, XmpMark]:
    return {
        "Excellent": XmpMark(rating=5, label="Green"),
        "Strong": XmpMark(rating=4),
        "Competent": XmpMark(rating=3),
        "Snapshot": XmpMark(rating=2),
        "Flawed": XmpMark(rating=1, label="Red"),
    }


class ScoringConfig(_Section):
    """How attributes become a 0–100 score, a tier and an XMP mark."""

    version: Annotated[int, Field(strict=True)] = 1
    name: Annotated[str, Field(min_length=1)]
    weights: Weights = Weights()
    category_weights: CategoryWeights = CategoryWeights()
    penalties: tuple[Penalty, ...] = (
        Penalty(attribute="sharpness", below=0.20, max_penalty=0.50),
        Penalty(attribute="exposure_balance", below=0.10, max_penalty=0.30),
    )
    tiers: Annotated[tuple[Tier, ...], Field(min_length=1)] = Field(default_factory=_default_tiers)
    xmp: dict[str, XmpMark] = Field(default_factory=_default_xmp)
    # What a burst's frames other than its keeper write instead of their tier's mark
    # (e.g. rating 1, label Yellow: a second look in Lightroom); None: their tier's mark.
    xmp_burst_others: XmpMark | None = None
    # How far apart (seconds) two frames of one camera may be shot and still be grouped,
    # when they show one scene (scoring.bursts). 2 s groups bursts; 30-60 s also groups
    # the re-takes of a pose or a view, as Lightroom's auto-stack and ON1's time between
    # stacks let photographers choose. An hour at most, Lightroom's own limit.
    burst_gap_s: Annotated[float, Field(gt=0, le=3600, strict=True, allow_inf_nan=False)] = (
        BURST_GAP_S
    )
    vision: VisionConfig = VisionConfig()

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != 1:
            raise ValueError(f"unsupported version {value}; this photo-score reads version 1")
        return value

    @field_validator("penalties")
    @classmethod
    def _one_penalty_per_attribute(cls, value: tuple[Penalty, ...]) -> tuple[Penalty, ...]:
        seen = [p.attribute for p in value]
        dupes = sorted({a for a in seen if seen.count(a) > 1})
        if dupes:
            raise ValueError(f"at most one penalty per attribute (repeated: {', '.join(dupes)})")
        return value

    @field_validator("tiers")
    @classmethod
    def _tiers_cover_the_scale(cls, value: tuple[Tier, ...]) -> tuple[Tier, ...]:
        # Bands are defined by their lower edge only, so gaps and overlaps cannot be written;
        # what remains to check is that 0 is covered and no two bands collide.
        names = [t.name for t in value]
        if len(set(names)) != len(names):
            raise ValueError("tier names must be unique")
        mins = [t.min for t in value]
        if len(set(mins)) != len(mins):
            raise ValueError("two tiers start at the same min")
        if min(mins) != 0:
            raise ValueError(f"the lowest tier must have min 0 (got {min(mins):g})")
        return tuple(sorted(value, key=lambda t: t.min, reverse=True))

    @model_validator(mode="after")
    def _xmp_matches_tiers(self) -> ScoringConfig:
        tier_names = [t.name for t in self.tiers]
        unknown = [k for k in self.xmp if k not in tier_names]
        if unknown:
            raise ValueError(
                f"xmp.{unknown[0]}: no tier named {unknown[0]!r} (tiers: {', '.join(tier_names)})"
            )
        absent = [n for n in tier_names if n not in self.xmp]
        if absent:
            raise ValueError(f"xmp: no rating given for tier {absent[0]!r}")
        return self

    @cached_property
    def fingerprint(self) -> str:
        """12 hex digits that change exactly when scores, tiers, bursts or XMP marks could
        change.

        Hashes the normalized scoring content: weights renormalised as the reducer uses them,
        penalties, tiers, XMP marks and the burst window. ``name`` and ``vision`` are left
        out (they do not change a score; the analyzers record their own provenance).
        """
        w = self.weights.vector()
        a_sum, t_sum = sum(w[:3]), sum(w[3:])
        c = self.category_weights
        c_sum = c.aesthetic + c.technical
        content = {
            "version": self.version,
            "weights": [round(x / a_sum, 12) for x in w[:3]]
            + [round(x / t_sum, 12) for x in w[3:]],
            "category_weights": [round(c.aesthetic / c_sum, 12), round(c.technical / c_sum, 12)],
            "penalties": sorted(
                [p.attribute, p.below, p.max_penalty] for p in self.penalties if p.max_penalty > 0
            ),
            "tiers": [[t.name, t.min] for t in self.tiers],
            "xmp": {k: v.model_dump() for k, v in sorted(self.xmp.items())},
        }
        if self.xmp_burst_others is not None:  # absent: the fingerprints of older configs
            content["xmp_burst_others"] = self.xmp_burst_others.model_dump()
        if self.burst_gap_s != BURST_GAP_S:  # the same for the grouping window
            content["burst_gap_s"] = self.burst_gap_s
        blob = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:12]


# --- loading -------------------------------------------------------------------------------

DEFAULT_CONFIG_NAME = "default.yaml"
SCHEMA_PATH = Path(__file__).with_name("config.schema.json")


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load that rejects a key written twice (PyYAML silently keeps the last one)."""


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int) -> None:
        super().__init__(key, line)
        self.key, self.line = key, line


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def parse_config(text: str, source: str) -> ScoringConfig:
    """Validate YAML text; ``source`` names it in error messages (a path or a label)."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except _DuplicateKey as exc:
        raise ConfigError(f"{source}:{exc.line}: key {exc.key!r} is written twice") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: invalid YAML: {problem}") from None
    if data is None:
        raise ConfigError(f"{source}: the file is empty; a config needs at least `name:`")
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: must be a mapping of keys to values, not a YAML list/scalar")
    try:
        return ScoringConfig.model_validate(data)
    except ValidationError as exc:
        lines = [f"{source}: {line}" for line in describe_errors(exc, ScoringConfig)]
        raise ConfigError("\n".join(lines)) from None


def load_config(path: str | Path | None = None) -> ScoringConfig:
    """Load and validate a scoring config; ``None`` gives the packaged default."""
    if path is None:
        return default_config()
    text = read_config_text(Path(path))
    if text is None:
        raise ConfigError(f"{path}: no such config file")
    return parse_config(text, str(path))


def read_config_text(path: Path) -> str | None:
    """A config file's text; None when there is no such file. Any other failure to read it
    (permissions, not UTF-8) is a ConfigError naming the file, never a traceback."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc})") from None


@cache
def default_config() -> ScoringConfig:
    """The packaged ``default.yaml`` (cached: the config is frozen)."""
    text = resources.files(__package__).joinpath(DEFAULT_CONFIG_NAME).read_text("utf-8")
    return parse_config(text, f"{DEFAULT_CONFIG_NAME} (built in)")


def dump_config_yaml(cfg: ScoringConfig) -> str:
    """The config as YAML that :func:`parse_config` reads back to an equal config."""
    return yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def config_json_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of a scoring config file."""
    schema = ScoringConfig.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
    }


def write_config_schema(path: str | Path | None = None) -> Path:
    """Regenerate ``config.schema.json`` (a test fails while the committed copy is stale)."""
    target = Path(path) if path is not None else SCHEMA_PATH
    text = json.dumps(config_json_schema(), indent=2, ensure_ascii=False) + "\n"
    target.write_text(text, encoding="utf-8")
    return target
