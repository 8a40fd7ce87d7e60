"""Reply contracts: the schema sent is strict, and every reply is held to it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from photo_score.inference.schemas import (
    TASKS,
    InvalidReply,
    extract_json,
    json_schema,
    parse_reply,
    response_format,
)
from photo_score.models import TECHNICAL
from tests.fakes.openrouter import generate

GOOD_TECH = {k: {"score": 0.5, "note": "fine"} for k in TECHNICAL}


@pytest.mark.parametrize(
    "text",
    [
        '{"a": {"b": 1}}',
        '```json\n{"a": {"b": 1}}\n```',
        'Here you go:\n```\n{"a": {"b": 1}}\n```\nAnything else?',
        'Sure. {"a": {"b": 1}} That is my answer.',
        '<think>the {first} guess was wrong</think>{"a": {"b": 1}}',
        'Scores {not json} then {"a": {"b": 1}}',
    ],
)
def test_extract_json_tolerates_fences_and_prose(text: str) -> None:
    assert extract_json(text) == {"a": {"b": 1}}


@pytest.mark.parametrize("text", ["", "I cannot rate this image.", '{"a": 1', "[1, 2]"])
def test_extract_json_without_an_object_is_an_invalid_reply(text: str) -> None:
    with pytest.raises(InvalidReply) as info:
        extract_json(text)
    assert info.value.text == text


def test_parse_reply_keeps_valid_values() -> None:
    assert parse_reply("technical", json.dumps(GOOD_TECH))["exposure_balance"]["score"] == 0.5


@pytest.mark.parametrize(
    ("patch", "where"),
    [
        ({"sharpness": {"score": 1.2, "note": "x"}}, "sharpness.score"),
        ({"sharpness": {"score": -0.1, "note": "x"}}, "sharpness.score"),
        ({"exposure": {"score": 0.5, "note": "x"}}, "exposure"),  # upstream's stray name
        ({"noise_level": {"score": 0.5, "note": ""}}, "noise_level.note"),
    ],
)
def test_parse_reply_rejects_out_of_contract_values(patch: dict[str, Any], where: str) -> None:
    with pytest.raises(InvalidReply) as info:
        parse_reply("technical", json.dumps({**GOOD_TECH, **patch}))
    assert info.value.reason.startswith(where)


def test_missing_field_and_unknown_enum_are_rejected() -> None:
    with pytest.raises(InvalidReply, match="exposure_balance"):
        parse_reply("technical", json.dumps({"sharpness": GOOD_TECH["sharpness"]}))
    schema = json_schema("features")
    features = generate(schema, schema, "seed", "model")
    parse_reply("features", json.dumps(features))
    with pytest.raises(InvalidReply, match="subject_position"):
        parse_reply("features", json.dumps({**features, "subject_position": "sideways"}))


def _objects(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            found.append(node)
        for value in node.values():
            found.extend(_objects(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_objects(value))
    return found


@pytest.mark.parametrize("task", TASKS)
def test_schemas_are_strict_compatible(task: str) -> None:
    fmt = response_format(task)  # type: ignore[arg-type]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["name"] == f"photo_{task}"
    objects = _objects(json_schema(task))  # type: ignore[arg-type]
    assert objects
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert sorted(obj["required"]) == sorted(obj["properties"])
    assert "title" not in json.dumps(fmt)


def test_technical_schema_names_exposure_balance_and_bounds() -> None:
    schema = json_schema("technical")
    assert sorted(schema["properties"]) == sorted(TECHNICAL)
    judged = schema["$defs"]["Judged"]["properties"]["score"]
    assert (judged["minimum"], judged["maximum"]) == (0, 1)
    lighting = json_schema("features")["properties"]["lighting"]["enum"]
    assert "golden_hour" in lighting
