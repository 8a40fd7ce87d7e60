"""Published artefacts stay true: every config key is documented, the schema is current,
and the default config ships inside the package."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import pytest
from pydantic import BaseModel

from photo_score.scoring import ScoringConfig, config_json_schema, default_config
from photo_score.scoring.config import SCHEMA_PATH

DOCS = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"
PLACEHOLDERS = {"xmp": "<tier>", "tasks": "<task>"}


def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def config_keys(model: type[BaseModel] = ScoringConfig, prefix: str = "") -> list[str]:
    """Every documented key, as docs/scoring.md writes it: a.b, list[].x, map.<key>.x."""
    keys = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        tp = _unwrap(field.annotation)
        if get_origin(tp) in (dict, tuple, list):
            keys.append(path)  # the container itself is documented, then its items
        if get_origin(tp) is dict:
            path, tp = f"{path}.{PLACEHOLDERS[name]}", _unwrap(get_args(tp)[1])
        if get_origin(tp) in (tuple, list):
            path, tp = f"{path}[]", _unwrap(get_args(tp)[0])
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            keys.extend(config_keys(tp, f"{path}."))
        else:
            keys.append(path)
    return keys


def test_the_key_walker_sees_nested_keys() -> None:
    keys = config_keys()
    assert "weights.aesthetic.composition" in keys
    assert "penalties[].below" in keys
    assert "xmp.<tier>.label" in keys
    assert "vision.tasks.<task>[].weight" in keys


@pytest.mark.parametrize("key", config_keys())
def test_every_config_key_is_documented(key: str) -> None:
    assert f"`{key}`" in DOCS.read_text(encoding="utf-8"), f"document `{key}` in {DOCS.name}"


def test_the_reference_table_lists_no_stale_keys() -> None:
    rows = re.findall(r"^\| `([^`]+)` \|", DOCS.read_text(encoding="utf-8"), re.MULTILINE)
    documented = {r for r in rows if "." in r or r in ScoringConfig.model_fields}
    assert documented - set(config_keys()) == set()


def test_the_committed_schema_is_current() -> None:
    committed = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert committed == config_json_schema(), (
        "config.schema.json is stale: run "
        "`uv run python -c 'from photo_score.scoring import write_config_schema as w; w()'`"
    )


def test_the_schema_rejects_unknown_keys_everywhere() -> None:
    schema = config_json_schema()
    objects = [schema, *schema["$defs"].values()]
    assert all(o.get("additionalProperties") is False for o in objects if "properties" in o)


def test_the_default_config_is_package_data() -> None:
    package = resources.files("photo_score.scoring")
    assert package.joinpath("default.yaml").is_file()
    assert package.joinpath("config.schema.json").is_file()
    assert default_config().name == "default"
