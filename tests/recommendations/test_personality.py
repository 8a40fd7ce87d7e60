"""The personality recognises planted tendencies, states its numbers, and stays honest."""

from __future__ import annotations

import json
import random
from typing import Any

import numpy as np
import pytest

from photo_score.models import ATTRIBUTES
from photo_score.recommendations import (
    PersonalityProfile,
    PhotoRecord,
    Thresholds,
    personality_from_records,
)
from photo_score.scoring import default_config, score_matrix
from tests.recommendations.conftest import make_records


def _keys(profile: PersonalityProfile, kind: str) -> list[str]:
    return [r.key for r in profile.recommendations if r.type == kind]


def _scores(records: list[dict[str, Any]]) -> np.ndarray:
    values = np.array(
        [[r["attributes"].get(a, np.nan) for a in ATTRIBUTES] for r in records], dtype=float
    )
    return score_matrix(values, default_config()).final


# ------------------------------------------------------------------------- composition


def test_all_centred_reads_strongly_centered_from_features() -> None:
    records = make_records(60, features=lambda i: {"subject_position": "center"})
    profile = personality_from_records(records)
    dim = profile.composition_style.centered_vs_rule_of_thirds
    assert dim.value == -1.0
    assert dim.label == "strongly centered"
    assert (dim.n, dim.share_first, dim.share_second) == (60, 1.0, 0.0)
    assert dim.sources == {"measured": 0, "features": 60}
    style = [r for r in profile.recommendations if r.key == "style.centered_vs_rule_of_thirds"]
    assert len(style) == 1
    assert "100% centered" in style[0].message
    assert "60 photos" in style[0].message


def test_all_centred_reads_strongly_centered_from_measurements() -> None:
    records = make_records(
        40,
        features=lambda i: {"subject_position": "center"},
        measurements=lambda i: {"centre_distance": 0.02 + 0.001 * (i % 5), "thirds_distance": 0.22},
        analyzer="local",
    )
    dim = personality_from_records(records).composition_style.centered_vs_rule_of_thirds
    assert dim.sources == {"measured": 40, "features": 0}
    assert dim.value is not None
    assert dim.value < -0.75
    assert dim.label == "strongly centered"


def test_rule_of_thirds_collection_reads_the_other_way() -> None:
    records = make_records(50, features=lambda i: {"subject_position": "rule_of_thirds"})
    dim = personality_from_records(records).composition_style.centered_vs_rule_of_thirds
    assert dim.value == 1.0
    assert dim.label == "strongly rule of thirds"


def test_photos_without_a_subject_are_left_out_of_placement() -> None:
    records = make_records(
        40, features=lambda i: {"subject_position": "center" if i < 25 else "unknown"}
    )
    dim = personality_from_records(records).composition_style.centered_vs_rule_of_thirds
    assert dim.n == 25


def test_framing_and_clutter_from_measurements() -> None:
    records = make_records(
        40,
        features=lambda i: {"subject_position": "center", "background": "clean"},
        measurements=lambda i: {"subject_area": 0.6, "clutter": 0.4},
        analyzer="local",
    )
    p = personality_from_records(records)
    assert p.composition_style.tight_vs_loose_framing.value == -1.0
    assert p.composition_style.minimalist_vs_complex.value == -1.0
    loose = make_records(40, measurements=lambda i: {"subject_area": 0.02}, analyzer="local")
    assert personality_from_records(loose).composition_style.tight_vs_loose_framing.value == 1.0


# ------------------------------------------------------------------------- exposure


def test_mostly_dark_reads_dark_and_moody_from_measured_brightness() -> None:
    records = make_records(
        80,
        measurements=lambda i: {"luma_p50": 130.0 if i % 7 == 0 else 40.0, "contrast_rms": 70.0},
        analyzer="local",
    )
    p = personality_from_records(records)
    dark = p.exposure_preference.dark_moody_vs_bright_airy
    assert dark.value is not None
    assert dark.value < -0.6
    assert dark.label == "strongly dark and moody"
    assert dark.share_first == pytest.approx(68 / 80, abs=0.001)  # 12 of 80 are bright
    assert p.exposure_preference.high_contrast_vs_flat.value == -0.8
    assert "style.dark_moody_vs_bright_airy" in _keys(p, "style")


def test_mostly_dark_reads_dark_from_vision_features_alone() -> None:
    records = make_records(
        60, features=lambda i: {"lighting": "natural_soft" if i % 10 == 0 else "low_light"}
    )
    dark = personality_from_records(records).exposure_preference.dark_moody_vs_bright_airy
    assert dark.sources == {"measured": 0, "features": 60}
    assert dark.value == pytest.approx(-0.675)
    assert "dark and moody" in dark.label


def test_bright_airy_collection() -> None:
    records = make_records(30, measurements=lambda i: {"luma_p50": 200.0}, analyzer="local")
    dim = personality_from_records(records).exposure_preference.dark_moody_vs_bright_airy
    assert dim.value == 1.0
    assert dim.label == "strongly bright and airy"


# ------------------------------------------------------------------------- subjects


def test_portrait_heavy_collection_and_a_growth_suggestion_for_a_missing_genre() -> None:
    def scene(i: int) -> dict[str, Any]:
        return {"scene_type": "portrait" if i < 85 else "landscape" if i < 95 else "street"}

    p = personality_from_records(make_records(100, features=scene))
    s = p.subject_distribution
    assert [g.genre for g in s.genres] == ["portraits", "landscapes", "street"]
    assert s.shares == {"portraits": 0.85, "landscapes": 0.1, "street": 0.05}
    assert (s.classified, s.unknown) == (100, 0)
    growth = [r for r in p.recommendations if r.key.startswith("growth.genre.")]
    assert len(growth) == 1
    suggested = growth[0].evidence["genre"]
    assert suggested in ("architecture", "nature", "food", "events")
    assert growth[0].evidence["genre_photos"] == 0
    assert "Portraits make up 85% of your 100 photos" in growth[0].message
    assert str(suggested) in growth[0].message


def test_unknown_genres_are_counted_and_block_genre_claims() -> None:
    def scene(i: int) -> dict[str, Any]:
        return {"scene_type": "portrait" if i < 10 else "unknown"}

    p = personality_from_records(make_records(100, features=scene, analyzer="local"))
    assert p.subject_distribution.unknown == 90
    assert p.subject_distribution.shares["unknown"] == 0.9
    assert not [r for r in p.recommendations if r.key.startswith("growth.genre.")]
    assert any("Genre unknown for 90%" in n for n in p.notes)


def test_genre_means_back_strength_and_weakness() -> None:
    def scene(i: int) -> dict[str, Any]:
        return {"scene_type": "landscape" if i % 2 else "portrait"}

    def attrs(i: int, a: dict[str, float]) -> dict[str, float]:
        shift = 0.12 if i % 2 else -0.12
        return {k: min(1.0, max(0.0, v + shift)) for k, v in a.items()}

    records = make_records(120, features=scene, attributes=attrs)
    scores = _scores(records)
    land, port = scores[1::2].mean(), scores[0::2].mean()
    p = personality_from_records(records)
    strength = next(r for r in p.recommendations if r.key == "strength.genre.landscapes")
    weakness = next(r for r in p.recommendations if r.key == "weakness.genre.portraits")
    assert f"Your landscapes average {land:.0f}, your portraits average {port:.0f}" in (
        strength.message
    )
    assert "over 120 photos" in strength.message
    assert strength.evidence["genre_mean"] == pytest.approx(land, abs=0.05)
    assert strength.evidence["genre_photos"] == 60
    assert weakness.evidence["genre_mean"] == pytest.approx(port, abs=0.05)


# ------------------------------------------------------------------------- scores


def test_one_weak_attribute_is_named_with_its_numbers() -> None:
    rng = np.random.default_rng(3)
    exposure = np.clip(rng.normal(0.35, 0.05, 120), 0, 1).round(4)

    def attrs(i: int, a: dict[str, float]) -> dict[str, float]:
        return {**a, "exposure_balance": float(exposure[i])}

    p = personality_from_records(make_records(120, center=0.7, spread=0.08, attributes=attrs))
    weak = [r for r in p.recommendations if r.type == "weakness"]
    assert weak[0].key == "weakness.attribute.exposure_balance"
    median = float(np.median(exposure))
    assert weak[0].evidence["median"] == pytest.approx(median, abs=0.001)
    assert weak[0].evidence["photos"] == 120
    assert f"median {median:.2f} over 120 photos" in weak[0].message
    assert "exposure" in weak[0].message
    assert weak[0].confidence == "medium"  # 120 photos: between 50 and 200
    summary = {a.attribute: a for a in p.score_distribution.attributes}
    assert summary["exposure_balance"].median == pytest.approx(median, abs=0.001)


def test_top_ten_percent_traits_find_a_planted_trait() -> None:
    def feats(i: int) -> dict[str, Any]:
        return {"lighting": "golden_hour" if i % 7 == 0 else "natural_soft"}

    def attrs(i: int, a: dict[str, float]) -> dict[str, float]:
        if i % 7:
            return a
        return {**a, "visual_appeal": min(1.0, a["visual_appeal"] + 0.25), "composition": 0.9}

    records = make_records(300, features=feats, attributes=attrs)
    scores = _scores(records)
    top = scores >= np.quantile(scores, 0.9)
    golden = np.arange(300) % 7 == 0
    p = personality_from_records(records)
    dist = p.score_distribution
    trait = next(t for t in dist.top_traits if t.key == "lighting=golden_hour")
    assert trait.in_group == int((top & golden).sum())
    assert trait.group_size == int(top.sum())
    assert trait.overall == int(golden.sum())
    assert trait.lift == pytest.approx((top & golden).sum() / top.sum() / golden.mean(), abs=0.01)
    assert trait.lift > 3
    assert "lighting: golden hour" in dist.top_10_percent_traits
    assert "strength.trait.lighting=golden_hour" in _keys(p, "strength")
    assert all(t.key != "lighting=golden_hour" for t in dist.bottom_traits)
    assert dist.n == 300
    assert sum(dist.histogram) == 300
    assert sum(dist.tiers.values()) == 300
    assert dist.mean == pytest.approx(scores.mean(), abs=0.01)
    assert dist.std == pytest.approx(scores.std(), abs=0.01)


def test_a_common_issue_that_costs_points_is_a_weakness() -> None:
    def feats(i: int) -> dict[str, Any]:
        return {"technical_issues": ["blur"] if i % 4 == 0 else ["none"]}

    def attrs(i: int, a: dict[str, float]) -> dict[str, float]:
        return {**a, "sharpness": 0.2} if i % 4 == 0 else a

    p = personality_from_records(make_records(100, features=feats, attributes=attrs))
    issue = next(r for r in p.recommendations if r.key == "weakness.issue.blur")
    assert issue.evidence["photos"] == 25
    assert "25 of 100" in issue.message


# ------------------------------------------------------------------------- honesty


def test_thin_data_makes_no_confident_claims_and_says_so() -> None:
    records = make_records(5, features=lambda i: {"subject_position": "center"})
    p = personality_from_records(records)
    assert p.confidence == "insufficient"
    assert p.recommendations == []
    assert "5 scored photos" in p.summary
    assert any("too few" in n and "20" in n for n in p.notes)
    c, e = p.composition_style, p.exposure_preference
    for dim in (
        c.centered_vs_rule_of_thirds,
        c.minimalist_vs_complex,
        c.tight_vs_loose_framing,
        e.dark_moody_vs_bright_airy,
        e.high_contrast_vs_flat,
    ):
        assert dim.value is None
        assert dim.confidence == "insufficient"
    assert c.centered_vs_rule_of_thirds.label.startswith("not enough data (5 photos")
    assert p.score_distribution.top_traits == []
    assert p.trends.granularity is None


def test_confidence_grows_with_the_collection() -> None:
    levels = [personality_from_records(make_records(n)).confidence for n in (19, 20, 50, 200)]
    assert levels == ["insufficient", "low", "medium", "high"]


def test_thresholds_are_configurable() -> None:
    records = make_records(5, features=lambda i: {"subject_position": "center"})
    loose = Thresholds(min_photos=3, min_dimension=3)
    p = personality_from_records(records, thresholds=loose)
    assert p.confidence == "low"
    assert p.composition_style.centered_vs_rule_of_thirds.value == -1.0


def test_empty_collection() -> None:
    p = personality_from_records([])
    assert (p.photo_count, p.scored_count, p.confidence) == (0, 0, "insufficient")
    assert p.recommendations == []
    assert p.score_distribution.mean is None
    assert "No scored photos yet" in p.summary


# ------------------------------------------------------------------------- trends


def test_monthly_trend_when_every_month_has_enough_photos() -> None:
    def attrs(i: int, a: dict[str, float]) -> dict[str, float]:
        return {k: min(1.0, v + 0.04 * (i // 30)) for k, v in a.items()}

    records = make_records(
        180, attributes=attrs, capture_time=lambda i: f"2023-{i // 30 + 1:02d}-10T09:00:00"
    )
    t = personality_from_records(records).trends
    assert t.granularity == "month"
    assert [pt.period for pt in t.points] == [f"2023-0{m}" for m in range(1, 7)]
    assert all(pt.n == 30 for pt in t.points)
    assert t.change is not None
    assert t.change > 5
    assert "rose" in t.summary


def test_trend_falls_back_to_quarters_then_none() -> None:
    quarterly = make_records(90, capture_time=lambda i: f"2022-{(i % 9) + 1:02d}-01T00:00:00+02:00")
    t = personality_from_records(quarterly).trends
    assert t.granularity == "quarter"
    assert [pt.period for pt in t.points] == ["2022-Q1", "2022-Q2", "2022-Q3"]
    yearly = make_records(75, capture_time=lambda i: f"{2020 + i // 25}:{i % 12 + 1:02d}:01 10:00")
    t = personality_from_records(yearly).trends
    assert t.granularity == "year"
    assert [(pt.period, pt.n) for pt in t.points] == [("2020", 25), ("2021", 25), ("2022", 25)]
    sparse = make_records(60, capture_time=lambda i: f"{2000 + i // 12}-{i % 12 + 1:02d}-01")
    t = personality_from_records(sparse).trends
    assert t.granularity is None
    assert t.points == []
    undated = personality_from_records(make_records(30, capture_time=lambda i: None)).trends
    assert (undated.dated, undated.undated) == (0, 30)


# ------------------------------------------------------------------------- contracts


def _rich(n: int = 150) -> list[dict[str, Any]]:
    scenes = ["portrait", "landscape", "street", "unknown"]
    return make_records(
        n,
        features=lambda i: {
            "scene_type": scenes[i % 4],
            "subject_position": ["center", "rule_of_thirds", "off_center"][i % 3],
            "lighting": ["golden_hour", "natural_soft", "low_light"][i % 3],
            "technical_issues": ["blur"] if i % 5 == 0 else ["none"],
        },
        measurements=lambda i: {"luma_p50": 60.0 + i % 90, "subject_area": 0.01 + (i % 50) / 60},
        capture_time=lambda i: f"202{i % 3}-{i % 12 + 1:02d}-01T12:00:00",
    )


def test_deterministic_json_for_the_same_input_in_any_order() -> None:
    records = _rich()
    first = json.dumps(personality_from_records(records).model_dump(mode="json"))
    second = json.dumps(personality_from_records(records).model_dump(mode="json"))
    assert first == second
    shuffled = list(records)
    random.Random(5).shuffle(shuffled)
    assert json.dumps(personality_from_records(shuffled).model_dump(mode="json")) == first


def test_profile_round_trips_through_json_and_records_may_be_models() -> None:
    records = _rich(80)
    profile = personality_from_records(records)
    assert PersonalityProfile.model_validate_json(profile.model_dump_json()) == profile
    as_models = [PhotoRecord.model_validate(r) for r in records]
    assert personality_from_records(as_models) == profile


def test_final_scores_given_by_the_caller_are_used() -> None:
    records = make_records(30)
    for r in records:
        r["final_score"] = 42.0
    p = personality_from_records(records)
    assert p.score_distribution.mean == 42.0
    assert p.score_distribution.std == 0.0


def test_malformed_values_are_ignored_not_fatal() -> None:
    records = make_records(25)
    records[0]["features"] = {
        "scene_type": ["a", "list"],
        "lighting": 5,
        "background": None,
        "technical_issues": "blur",
    }
    records[1]["measurements"] = {"luma_p50": "dark", "contrast_rms": float("inf")}
    records[2]["attributes"] = {"sharpness": None}
    records[3]["capture_time"] = "garbage"
    records[4]["features"] = {"technical_issues": [["nested"], "noise", None]}
    p = personality_from_records(records)
    assert p.photo_count == 25
    assert p.scored_count == 24  # record 2 has no attribute left
    assert p.score_distribution.unscorable == 1
    assert p.subject_distribution.unknown == 25
    assert p.exposure_preference.high_contrast_vs_flat.n == 1  # "lighting: 5" reads as neutral
