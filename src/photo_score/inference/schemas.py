"""Reply contracts of the vision tasks, and the tolerant parser that enforces them.

Each task's reply is a pydantic model. Its JSON Schema is sent as the request's
``response_format`` and the same model validates the reply, so bounds and enumerations are
enforced even for models that ignore ``response_format``. Models that wrap the JSON in a code
fence, a prose preamble or a ``<think>`` block are tolerated; anything else is an
:class:`InvalidReply` (retried by the client, with the model's text logged).
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from photo_score.models import AESTHETIC, TECHNICAL

Unit = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Short = Annotated[str, Field(min_length=1, max_length=300)]


class _Reply(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeaturesReply(_Reply):
    """Categorical features (DESIGN §3); enumerations from the upstream v2 contract."""

    scene_type: Literal[
        "landscape", "portrait", "street", "architecture", "nature", "food", "event", "other"
    ]
    main_subject: Short
    subject_position: Literal["center", "rule_of_thirds", "off_center", "multiple"]
    background: Literal["clean", "busy", "blurred", "contextual"]
    lighting: Literal[
        "natural_soft",
        "natural_harsh",
        "golden_hour",
        "blue_hour",
        "artificial",
        "mixed",
        "low_light",
    ]
    color_palette: Literal["vibrant", "muted", "monochrome", "warm", "cool", "neutral"]
    depth_of_field: Literal["shallow", "medium", "deep"]
    motion: Literal["static", "implied", "blur", "frozen"]
    human_presence: Literal["none", "main_subject", "secondary", "crowd"]
    text_or_signs: bool
    weather_visible: Literal["clear", "cloudy", "rain", "fog", "none"]
    time_of_day: Literal["dawn", "morning", "midday", "afternoon", "dusk", "night", "unknown"]
    technical_issues: Annotated[
        list[Literal["blur", "noise", "overexposed", "underexposed", "tilted", "none"]],
        Field(max_length=6),
    ]
    notable_elements: Annotated[list[Short], Field(max_length=5)]
    estimated_location_type: Literal[
        "urban", "rural", "coastal", "mountain", "indoor", "tourist_site", "unknown"
    ]


class Judged(_Reply):
    """One attribute: a score in [0, 1] and the finding behind it."""

    score: Unit
    note: Short


class AestheticReply(_Reply):
    composition: Judged
    subject_strength: Judged
    visual_appeal: Judged


class TechnicalReply(_Reply):
    sharpness: Judged
    exposure_balance: Judged
    noise_level: Judged


class MetadataReply(_Reply):
    description: Annotated[str, Field(min_length=1, max_length=600)]
    location_name: Short | None
    location_country: Short | None


class CritiqueReply(_Reply):
    summary: Annotated[str, Field(min_length=1, max_length=1200)]
    working_well: Annotated[list[Short], Field(min_length=1, max_length=4)]
    could_improve: Annotated[list[Short], Field(min_length=1, max_length=4)]
    key_recommendation: Short


Task = Literal["features", "aesthetic", "technical", "metadata", "critique"]
TASKS: tuple[Task, ...] = ("features", "aesthetic", "technical", "metadata", "critique")
SCORED_TASKS: dict[Task, tuple[str, ...]] = {"aesthetic": AESTHETIC, "technical": TECHNICAL}

REPLY_MODELS: dict[Task, type[_Reply]] = {
    "features": FeaturesReply,
    "aesthetic": AestheticReply,
    "technical": TechnicalReply,
    "metadata": MetadataReply,
    "critique": CritiqueReply,
}

assert set(AestheticReply.model_fields) == set(AESTHETIC)
assert set(TechnicalReply.model_fields) == set(TECHNICAL)


def _strip_titles(node: Any) -> Any:
    """Drop pydantic's ``title`` keys: noise in the prompt, rejected by some strict modes."""
    if isinstance(node, dict):
        return {k: _strip_titles(v) for k, v in node.items() if k != "title"}
    if isinstance(node, list):
        return [_strip_titles(v) for v in node]
    return node


def json_schema(task: Task) -> dict[str, Any]:
    """The JSON Schema of ``task``'s reply: every field required, no extra keys."""
    schema: dict[str, Any] = _strip_titles(REPLY_MODELS[task].model_json_schema())
    return schema


def response_format(task: Task) -> dict[str, Any]:
    """The OpenAI/OpenRouter ``response_format`` asking for ``task``'s schema."""
    return {
        "type": "json_schema",
        "json_schema": {"name": f"photo_{task}", "strict": True, "schema": json_schema(task)},
    }


class InvalidReply(Exception):
    """The model answered, but not with a valid reply; ``text`` is what it said."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.text = text


_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


def extract_json(text: str) -> dict[str, Any]:
    """The first JSON object in ``text``: bare, fenced, or after/before prose."""
    cleaned = _THINK.sub("", text).strip()
    candidates = [cleaned, *(m.group(1).strip() for m in _FENCE.finditer(cleaned))]
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", cleaned):
        try:
            value, _ = decoder.raw_decode(cleaned, match.start())
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    raise InvalidReply("no JSON object in the reply", text)


def parse_reply(task: Task, text: str) -> dict[str, Any]:
    """Extract and validate ``task``'s reply; the normalised dict is what gets cached."""
    raw = extract_json(text)
    try:
        reply = REPLY_MODELS[task].model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "reply"
        raise InvalidReply(f"{where}: {first['msg']}", text) from exc
    return reply.model_dump(mode="json")


def validate_cached(task: Task, value: dict[str, Any]) -> dict[str, Any] | None:
    """A cached reply re-validated; ``None`` (a miss) if it no longer fits the schema."""
    try:
        return REPLY_MODELS[task].model_validate(value).model_dump(mode="json")
    except ValidationError:
        return None
