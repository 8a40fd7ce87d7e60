"""Claims from the top/bottom 10% traits and from frequent technical issues.

Attribute-level traits are left out on purpose: high attributes make high scores, so
"your best photos are sharp" would be circular. An issue is only a weakness when the
photos that have it actually score lower.
"""

from __future__ import annotations

import numpy as np

from photo_score.recommendations.profile import (
    Evidence,
    Recommendation,
    RecommendationType,
    ScoreDistribution,
    Trait,
)
from photo_score.recommendations.records import PhotoTable
from photo_score.recommendations.stats import pct, rnd
from photo_score.recommendations.thresholds import Confidence, Thresholds, claim_confidence

IssueStat = tuple[str, int, float, float]
"""(issue, photos with it, their mean score, the others' mean score)."""

_ISSUE_HINTS = {
    "blur": "Use a faster shutter (at least 1/focal-length s), brace or stabilise, check focus.",
    "noise": "Expose brighter at base ISO where possible and denoise from raw.",
    "overexposed": "Dial in negative exposure compensation in bright scenes; protect highlights.",
    "underexposed": "Dial in positive compensation or lift exposure; meter for the mid-tones.",
    "tilted": "Turn on the camera's level or straighten in editing.",
}


def common_issues(table: PhotoTable, t: Thresholds) -> list[IssueStat]:
    """Issues on ≥ common_issue_share of scored photos, most frequent first."""
    scored = ~np.isnan(table.final)
    n = int(scored.sum())
    out: list[IssueStat] = []
    if n < t.min_photos:
        return out
    for j, name in enumerate(table.issue_levels):
        has = table.issues[:, j] & scored
        count = int(has.sum())
        rest = scored & ~table.issues[:, j]
        if count < t.min_group or count < t.common_issue_share * n or int(rest.sum()) == 0:
            continue
        with_mean, without_mean = float(table.final[has].mean()), float(table.final[rest].mean())
        if without_mean - with_mean < t.min_gap_points:
            continue  # flagged, but it does not cost this photographer points
        out.append((name, count, rnd(with_mean, 1), rnd(without_mean, 1)))
    out.sort(key=lambda x: (-x[1], x[0]))
    return out


def _usable(tr: Trait) -> bool:
    # Attribute levels are circular (high attributes make high scores), genres and issues
    # have their own rules: trait recommendations speak of the other features only.
    return tr.kind == "feature" and not tr.key.startswith("scene_type=")


def _trait_rec(
    kind: RecommendationType,
    title: str,
    tr: Trait,
    group: str,
    dist: ScoreDistribution,
    overall: Confidence,
    t: Thresholds,
    *,
    advice: str = "",
) -> Recommendation:
    evidence: Evidence = {
        "trait": tr.key,
        "in_group": tr.in_group,
        "group_size": tr.group_size,
        "share_in_group": tr.share_in_group,
        "share_overall": tr.share_overall,
        "lift": tr.lift,
    }
    sentence = (
        f"{tr.label.capitalize()} appears in {pct(tr.share_in_group)} of your {group} "
        f"({tr.in_group} of {tr.group_size} photos) against {pct(tr.share_overall)} of "
        f"all {dist.n} — {tr.lift:.1f}× more often."
    )
    return Recommendation(
        type=kind,
        key=f"{kind}.trait.{tr.key}",
        title=title,
        message=sentence + advice,
        evidence=evidence,
        based_on=dist.n,
        confidence=claim_confidence(tr.in_group * 2, overall, t),
    )


def _issue_rec(
    issue: IssueStat, dist: ScoreDistribution, overall: Confidence, t: Thresholds
) -> Recommendation:
    name, count, with_mean, without_mean = issue
    return Recommendation(
        type="weakness",
        key=f"weakness.issue.{name}",
        title=f"Frequent {name.replace('_', ' ')}",
        message=(
            f"{name.replace('_', ' ').capitalize()} is flagged on {count / dist.n:.0%} "
            f"of your photos ({count} of {dist.n}); they average {with_mean:.1f} against "
            f"{without_mean:.1f} for the rest. {_ISSUE_HINTS.get(name, '')}"
        ).strip(),
        evidence={
            "issue": name,
            "photos": count,
            "of": dist.n,
            "mean_with": with_mean,
            "mean_without": without_mean,
        },
        based_on=dist.n,
        confidence=claim_confidence(count, overall, t),
    )


def trait_recs(
    dist: ScoreDistribution,
    issues: list[IssueStat],
    overall: Confidence,
    t: Thresholds,
) -> tuple[list[Recommendation], list[Recommendation], list[Recommendation]]:
    """(strengths, weaknesses, growth): the leading traits, a rare good one, the top issue."""
    strengths: list[Recommendation] = []
    weaknesses: list[Recommendation] = []
    growth: list[Recommendation] = []
    top = [tr for tr in dist.top_traits if _usable(tr)]
    bottom = [tr for tr in dist.bottom_traits if _usable(tr)]
    if top:
        tr = top[0]
        title = f"Your best photos share {tr.label}"
        strengths.append(_trait_rec("strength", title, tr, "top 10%", dist, overall, t))
    rare = [tr for tr in top[1:] if tr.share_overall < t.rare_trait_share]
    if rare:
        tr = rare[0]
        advice = " It works for you and you rarely use it: plan shoots around it."
        growth.append(
            _trait_rec(
                "growth",
                f"Seek out {tr.label} more often",
                tr,
                "top 10%",
                dist,
                overall,
                t,
                advice=advice,
            )
        )
    if bottom:
        tr = bottom[0]
        title = f"Your weakest photos share {tr.label}"
        weaknesses.append(_trait_rec("weakness", title, tr, "bottom 10%", dist, overall, t))
    weaknesses.extend(_issue_rec(issue, dist, overall, t) for issue in issues[:1])
    return strengths, weaknesses, growth
