"""Config loading and validation: defaults, partial files, and errors that name key and rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from photo_score.errors import ConfigError
from photo_score.scoring import (
    ScoringConfig,
    default_config,
    dump_config_yaml,
    load_config,
    parse_config,
)
from tests.scoring.conftest import make_config


def test_packaged_default_equals_the_model_defaults() -> None:
    # default.yaml and the pydantic defaults must not drift apart.
    assert load_config() == default_config() == ScoringConfig(name="default")


def test_defaults_match_the_design() -> None:
    cfg = default_config()
    assert cfg.weights.aesthetic.composition == 0.40
    assert cfg.category_weights.technical == 0.4
    assert [(p.attribute, p.below, p.max_penalty) for p in cfg.penalties] == [
        ("sharpness", 0.20, 0.50),
        ("exposure_balance", 0.10, 0.30),
    ]
    assert [(t.name, t.min) for t in cfg.tiers] == [
        ("Excellent", 85),
        ("Strong", 70),
        ("Competent", 50),
        ("Snapshot", 30),
        ("Flawed", 0),
    ]
    assert {k: v.rating for k, v in cfg.xmp.items()} == {
        "Excellent": 5,
        "Strong": 4,
        "Competent": 3,
        "Snapshot": 2,
        "Flawed": 1,
    }
    assert cfg.vision.image_long_edge == 1536
    assert [m.model for m in cfg.vision.tasks["aesthetic"]] == [
        "qwen/qwen2.5-vl-72b-instruct",
        "google/gemini-2.5-flash",
    ]
    assert set(cfg.vision.tasks) == {"features", "aesthetic", "technical", "metadata", "critique"}


def test_a_partial_file_merges_over_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "portraits.yaml"
    path.write_text(
        "name: portraits\n"
        "weights:\n  aesthetic:\n    subject_strength: 0.6\n"
        "vision:\n  tasks:\n    critique: [{model: some/model}]\n"
    )
    cfg = load_config(path)
    assert cfg.name == "portraits"
    assert cfg.weights.aesthetic.subject_strength == 0.6
    assert cfg.weights.aesthetic.composition == 0.40  # untouched sibling keeps its default
    assert cfg.vision.tasks["critique"][0].model == "some/model"
    assert cfg.vision.tasks["features"] == default_config().vision.tasks["features"]


def test_yaml_round_trip() -> None:
    cfg = make_config(name="x", penalties=[])
    assert parse_config(dump_config_yaml(cfg), "dumped") == cfg


def test_tiers_are_sorted_best_first_whatever_the_file_order() -> None:
    tiers = [{"name": "Low", "min": 0}, {"name": "High", "min": 50}]
    cfg = make_config(tiers=tiers, xmp={"Low": {"rating": 1}, "High": {"rating": 5}})
    assert [t.name for t in cfg.tiers] == ["High", "Low"]


def test_the_config_is_frozen() -> None:
    cfg = default_config()
    with pytest.raises(ValueError, match="frozen"):
        cfg.name = "other"  # type: ignore[misc]


class TestFingerprint:
    def test_is_stable_and_short(self) -> None:
        fp = default_config().fingerprint
        assert len(fp) == 12
        assert fp == ScoringConfig(name="anything").fingerprint  # the name is not content

    def test_ignores_weight_scale_but_not_weight_ratio(self) -> None:
        doubled = make_config(category_weights={"aesthetic": 1.2, "technical": 0.8})
        assert doubled.fingerprint == default_config().fingerprint
        shifted = make_config(category_weights={"aesthetic": 0.5, "technical": 0.5})
        assert shifted.fingerprint != default_config().fingerprint

    @pytest.mark.parametrize(
        "change",
        [
            {"penalties": []},
            {"xmp": {**default_config().model_dump()["xmp"], "Strong": {"rating": 3}}},
            {"burst_gap_s": 30.0},
        ],
    )
    def test_changes_with_scoring_content(self, change: dict[str, object]) -> None:
        assert make_config(**change).fingerprint != default_config().fingerprint

    def test_the_default_burst_window_written_out_keeps_older_fingerprints(self) -> None:
        assert parse_config("name: x\nburst_gap_s: 2\n", "x").fingerprint == (
            default_config().fingerprint
        )


def _error(text: str, source: str = "config.yaml") -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, source)
    return info.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: x\nweights:\n  aesthetic:\n    composition: -0.2\n",
            "config.yaml: weights.aesthetic.composition: must be ≥ 0 (got -0.2)",
        ),
        (
            "name: x\nweights:\n  aesthetic:\n    compositon: 0.3\n",
            "config.yaml: unknown key 'weights.aesthetic.compositon' (did you mean 'composition'?)",
        ),
        (
            "name: x\npenalties:\n"
            "  - {attribute: sharpness, below: 0.2, max_penalty: 0.5, maxx: 1}\n",
            "config.yaml: unknown key 'penalties[0].maxx'",
        ),
        (
            "name: x\nweights: {technical: {sharpness: high}}\n",
            "config.yaml: weights.technical.sharpness: must be a number (got 'high')",
        ),
        ("name: x\nweights: {technical: {sharpness: true}}\n", "must be a number (got True)"),
        (
            "name: x\npenalties: [{attribute: sharpness, below: 0, max_penalty: 0.5}]\n",
            "config.yaml: penalties[0].below: must be > 0 (got 0)",
        ),
        (
            "name: x\npenalties: [{attribute: sharpnes, below: 0.2, max_penalty: 0.5}]\n",
            "config.yaml: penalties[0].attribute: must be one of 'composition'",
        ),
        (
            "name: x\npenalties:\n"
            "  - {attribute: sharpness, below: 0.2, max_penalty: 0.5}\n"
            "  - {attribute: sharpness, below: 0.1, max_penalty: 0.2}\n",
            "config.yaml: penalties: at most one penalty per attribute (repeated: sharpness)",
        ),
        (
            "name: x\n"
            "weights: {aesthetic: {composition: 0, subject_strength: 0, visual_appeal: 0}}",
            "config.yaml: weights.aesthetic: at least one weight must be > 0",
        ),
        (
            "name: x\ncategory_weights: {aesthetic: 0, technical: 0}\n",
            "config.yaml: category_weights: at least one weight must be > 0",
        ),
        (
            "name: x\ntiers: [{name: Good, min: 50}, {name: Bad, min: 10}]\n",
            "config.yaml: tiers: the lowest tier must have min 0 (got 10)",
        ),
        (
            "name: x\ntiers: [{name: A, min: 50}, {name: B, min: 50}, {name: C, min: 0}]\n",
            "config.yaml: tiers: two tiers start at the same min",
        ),
        ("name: x\ntiers: [{name: A, min: 120}]\n", "config.yaml: tiers[0].min: must be ≤ 100"),
        (
            "name: x\nxmp: {Excellent: {rating: 6}}\n",
            "config.yaml: xmp.Excellent.rating: must be ≤ 5 (got 6)",
        ),
        ("name: x\nxmp: {Great: {rating: 5}}\n", "config.yaml: xmp.Great: no tier named 'Great'"),
        (
            "name: x\ntiers: [{name: Keep, min: 50}, {name: Bin, min: 0}]\n"
            "xmp: {Keep: {rating: 5}}",
            "config.yaml: xmp: no rating given for tier 'Bin'",
        ),
        ("name: x\nburst_gap_s: 0\n", "config.yaml: burst_gap_s: must be > 0 (got 0)"),
        ("name: x\nburst_gap_s: 7200\n", "config.yaml: burst_gap_s: must be ≤ 3600 (got 7200)"),
        ("name: x\nversion: 2\n", "config.yaml: version: unsupported version 2"),
        ("weights: {}\n", "config.yaml: name: is required"),
        ("name: ''\n", "config.yaml: name: must not be empty"),
        (
            "name: x\nvision: {image_long_edge: 256}\n",
            "config.yaml: vision.image_long_edge: must be ≥ 512 (got 256)",
        ),
        (
            "name: x\nvision: {tasks: {critique: []}}\n",
            "config.yaml: vision.tasks.critique: needs at least 1 entry",
        ),
        (
            "name: x\nvision: {tasks: {critic: [{model: m}]}}\n",
            "config.yaml: unknown key 'vision.tasks.critic': must be one of 'features'",
        ),
        (
            "name: x\nvision: {tasks: {critique: [{model: m, weight: 0}]}}\n",
            "config.yaml: vision.tasks.critique[0].weight: must be > 0 (got 0)",
        ),
        (
            "name: x\nvision: {tasks: {critique: [{modle: m}]}}\n",
            "unknown key 'vision.tasks.critique[0].modle' (did you mean 'model'?)",
        ),
        ("name: x\nname: y\n", "config.yaml:2: key 'name' is written twice"),
        ("", "config.yaml: the file is empty"),
        ("# only a comment\n", "config.yaml: the file is empty"),
        ("- a\n- b\n", "config.yaml: must be a mapping"),
        ("name: [x\n", "config.yaml:2:1: invalid YAML"),
    ],
)
def test_errors_name_the_file_the_key_and_the_rule(text: str, expected: str) -> None:
    assert expected in _error(text)


def test_every_error_is_reported_at_once() -> None:
    message = _error("name: x\nweights: {aesthetic: {composition: -1}}\nvision: {timeout_s: 0}\n")
    assert len(message.splitlines()) == 2
    assert all(line.startswith("config.yaml: ") for line in message.splitlines())


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yaml: no such config file"):
        load_config(tmp_path / "nope.yaml")


def test_an_undecodable_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ConfigError, match=r"latin1\.yaml: cannot read"):
        load_config(path)


def test_errors_from_a_file_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("name: x\ncategory_weights: {aesthetic: -1}\n")
    with pytest.raises(ConfigError, match=r"mine\.yaml: category_weights\.aesthetic: must be ≥ 0"):
        load_config(str(path))
