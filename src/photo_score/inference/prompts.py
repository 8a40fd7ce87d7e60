"""The instructions sent with each vision task, each with its own version.

A prompt's ``version`` is part of the per-task cache key (DESIGN §3): edit the wording, bump
the version, and only that task is asked again on the next run. The reply's shape is fixed
by :mod:`photo_score.inference.schemas`; the prompts describe meaning and calibration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from photo_score.inference.schemas import Task

SYSTEM = (
    "You are a picture editor reviewing a photographer's work before a cull. You judge what "
    "is in the frame, not what the photographer may have intended, and you are sparing with "
    "high marks. Reply with a single JSON object that follows the schema you are given; no "
    "other text."
)

_SCALE = (
    "Scores run from 0 to 1. Anchor them like this: 0.9 and above only for work a magazine "
    "would print; around 0.7 for a clearly good frame with one weakness; around 0.5 for a "
    "correct but forgettable picture; around 0.3 for a casual snapshot; 0.1 or less when the "
    "attribute is broken. Use the whole range; do not default to the middle. Each note is one "
    "short sentence naming what you saw in this photo (a place in the frame, a tone, an "
    "object), not a general rule."
)


@dataclass(frozen=True, slots=True)
class Prompt:
    task: Task
    version: str
    instructions: str
    max_tokens: int


FEATURES = Prompt(
    task="features",
    version="features-1",
    max_tokens=700,
    instructions=(
        "Describe this photograph as categorical features. Choose the single closest value "
        "for each enumerated field; 'other', 'none' or 'unknown' are fine when nothing fits. "
        "main_subject: a few words naming what the picture is of. notable_elements: two or "
        "three things in the frame a viewer would mention. technical_issues: every visible "
        "flaw from the list, or ['none']. text_or_signs: true when legible text or signage is "
        "visible."
    ),
)

AESTHETIC = Prompt(
    task="aesthetic",
    version="aesthetic-1",
    max_tokens=500,
    instructions=(
        "Rate the aesthetic quality of this photograph. composition: is the framing "
        "deliberate (placement, balance, edges, lines that lead somewhere, nothing cut "
        "awkwardly)? subject_strength: is it obvious at a glance what the picture is about, "
        "and does the subject hold attention against the background? visual_appeal: would a "
        "viewer stop on it and still want it after a second look (light, colour, moment, "
        "mood)? " + _SCALE
    ),
)

TECHNICAL = Prompt(
    task="technical",
    version="technical-1",
    max_tokens=500,
    instructions=(
        "Rate the technical execution of this photograph, judged at the size you see it. "
        "sharpness: is the intended subject in focus and free of shake or motion blur? "
        "Deliberate shallow depth of field is not a flaw. exposure_balance: are highlights "
        "and shadows held where they matter, with no blown sky or blocked faces, and is the "
        "overall brightness right for the scene? noise_level: 1 for a clean image, lower as "
        "grain, colour noise or smeared detail become visible. A frame that is merely "
        "competent, as a phone in auto mode would produce, belongs near 0.55. " + _SCALE
    ),
)

METADATA = Prompt(
    task="metadata",
    version="metadata-1",
    max_tokens=400,
    instructions=(
        "Write a plain description of this photograph in one or two sentences, as a caption "
        "for someone who cannot see it. If the place is recognisable from the picture itself "
        "(a landmark, a distinctive skyline, readable signs), give location_name and "
        "location_country; otherwise set them to null. Never guess a place from the style "
        "of the picture alone."
    ),
)

CRITIQUE = Prompt(
    task="critique",
    version="critique-1",
    max_tokens=1000,
    instructions=(
        "Write a critique of this photograph for the photographer who took it, as a "
        "workshop tutor would: direct, specific to this frame, and useful for the next "
        "shoot. The analysis below comes from earlier passes over the same image; use it, "
        "but trust your own eyes where they disagree. summary: two or three sentences on "
        "what the picture is and how well it works. working_well: two concrete strengths. "
        "could_improve: two concrete, actionable changes (at capture or in editing), each "
        "saying what to do rather than what is wrong. key_recommendation: the single change "
        "that would lift this photo most. Consider what the genre asks for: a landscape its "
        "light and depth, a portrait its eyes and expression, architecture its verticals and "
        "lines, street photography its moment."
    ),
)

PROMPTS: dict[Task, Prompt] = {
    p.task: p for p in (FEATURES, AESTHETIC, TECHNICAL, METADATA, CRITIQUE)
}


def critique_context(features: dict[str, Any], attributes: dict[str, float]) -> str:
    """The earlier passes' findings, as the critique sees them (and its cache key hashes).

    Only model outputs go in, never the scoring config's final score, so changing weights
    or tiers never re-bills a critique.
    """
    return json.dumps(
        {
            "features": features,
            "scores_0_to_1": {k: round(v, 2) for k, v in sorted(attributes.items())},
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def user_text(prompt: Prompt, context: str | None = None) -> str:
    if context is None:
        return prompt.instructions
    return f"{prompt.instructions}\n\nEarlier analysis of this photo (JSON):\n{context}"
