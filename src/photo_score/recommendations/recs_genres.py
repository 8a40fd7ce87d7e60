"""Genre claims: the genre you do best and worst (Welch-tested), and one to try.

A genre is only compared once it has Thresholds.min_group scored photos, and a missing
genre is only suggested once enough photos have a known genre: an analyzer that cannot
tell genres apart must not make the photographer look one-sided.
"""

from __future__ import annotations

from photo_score.recommendations.profile import (
    Evidence,
    Recommendation,
    RecommendationType,
    SubjectDistribution,
)
from photo_score.recommendations.stats import rnd, welch_z
from photo_score.recommendations.subjects import GENRES, GenreSums, genre_phrase
from photo_score.recommendations.thresholds import (
    Confidence,
    Thresholds,
    claim_confidence,
    confidence_for,
    weaker,
)

_GROWTH_GENRES: tuple[str, ...] = (
    "landscapes",
    "portraits",
    "street",
    "architecture",
    "nature",
    "food",
    "events",
)
"""Genres the vision analyzer recognises, in the order a suggestion prefers on a tie.
"macro" is counted when an analyzer reports it but neither current one does, so it is
never suggested as missing."""

_GENRE_SKILLS = {
    "landscapes": "composition: horizons, leading lines and layering a scene in depth",
    "portraits": "working with people, light on faces and focus on the eyes",
    "street": "timing, anticipation and reading a scene quickly",
    "architecture": "lines, symmetry and keeping verticals straight",
    "nature": "patience, natural light and close observation",
    "food": "styling, controlled light and colour",
    "events": "storytelling and keeping up with changing light",
}


def _compare_recs(
    sums: GenreSums, overall: Confidence, t: Thresholds
) -> tuple[list[Recommendation], list[Recommendation]]:
    """(strengths, weaknesses): the best and worst genre against all other photos."""
    s_n, s_sum, s_sq = sums
    known = [
        j
        for j, name in enumerate(GENRES)
        if name not in ("unknown", "other") and s_n[j] >= t.min_group
    ]
    strengths: list[Recommendation] = []
    weaknesses: list[Recommendation] = []
    if len(known) < 2:
        return strengths, weaknesses
    total_n = float(s_n.sum())
    total_sum, total_sq = float(s_sum.sum()), float(s_sq.sum())
    ranked = sorted(known, key=lambda j: (-(s_sum[j] / s_n[j]), j))
    listing = ", ".join(
        f"your {genre_phrase(GENRES[j])} average {s_sum[j] / s_n[j]:.0f}" for j in ranked
    )
    classified = int(sum(s_n[j] for j in known))
    sides: tuple[tuple[RecommendationType, int], ...] = (
        ("strength", ranked[0]),
        ("weakness", ranked[-1]),
    )
    for which, j in sides:
        rest_n = total_n - s_n[j]
        if rest_n < t.min_group:
            continue
        mean = s_sum[j] / s_n[j]
        rest_mean = (total_sum - s_sum[j]) / rest_n
        z = welch_z(
            s_sum[j],
            s_sq[j],
            int(s_n[j]),
            total_sum - s_sum[j],
            total_sq - s_sq[j],
            int(rest_n),
        )
        diff = mean - rest_mean
        sign = 1 if which == "strength" else -1
        if sign * diff < t.min_gap_points or sign * z < t.min_z:
            continue
        name = GENRES[j]
        evidence: Evidence = {
            "genre": name,
            "genre_mean": rnd(mean, 1),
            "genre_photos": int(s_n[j]),
            "rest_mean": rnd(rest_mean, 1),
            "rest_photos": int(rest_n),
            "z": rnd(z, 2),
        }
        text = f"{listing.capitalize()}, over {classified} photos with a known genre. "
        phrase = genre_phrase(name)
        if which == "strength":
            title = f"Your {phrase} are your best work"
            message = (
                f"Your {phrase} score {diff:.1f} points above the rest "
                f"of your photos ({int(s_n[j])} vs {int(rest_n)} photos)."
            )
        else:
            title = f"Your {phrase} lag behind"
            message = (
                f"Your {phrase} score {-diff:.1f} points below the rest "
                f"of your photos ({int(s_n[j])} vs {int(rest_n)} photos): the genre where "
                "practice pays most."
            )
        rec = Recommendation(
            type=which,
            key=f"{which}.genre.{name}",
            title=title,
            message=text + message,
            evidence=evidence,
            based_on=int(s_n[j] + rest_n),
            confidence=claim_confidence(int(min(s_n[j], rest_n)), overall, t),
        )
        (strengths if which == "strength" else weaknesses).append(rec)
    return strengths, weaknesses


def _missing_genre_recs(
    subjects: SubjectDistribution, overall: Confidence, t: Thresholds
) -> list[Recommendation]:
    """At most one growth suggestion: the recognised genre you photograph least."""
    counts = {g.genre: g.count for g in subjects.genres}
    classified = subjects.classified
    if classified < t.min_classified:
        return []
    rare = [g for g in _GROWTH_GENRES if counts.get(g, 0) < t.rare_genre_share * classified]
    if not rare:
        return []
    pick = min(rare, key=lambda g: (counts.get(g, 0), _GROWTH_GENRES.index(g)))
    main = max(
        (g for g in subjects.genres if g.genre not in ("unknown", "other")),
        key=lambda g: (g.count, -GENRES.index(g.genre)),
        default=None,
    )
    have = counts.get(pick, 0)
    lead = (
        f"{genre_phrase(main.genre).capitalize()} make up "
        f"{main.count / classified:.0%} of your {classified} photos with a known genre; "
        if main is not None
        else ""
    )
    return [
        Recommendation(
            type="growth",
            key=f"growth.genre.{pick}",
            title=f"Try {pick}",
            message=(
                f"{lead}you have {have} {genre_phrase(pick)} "
                f"({have / classified:.0%}). "
                f"Trying a new genre could help develop your skills: {pick} "
                f"photography trains {_GENRE_SKILLS[pick]}."
            ),
            evidence={
                "genre": pick,
                "genre_photos": have,
                "classified_photos": classified,
                "main_genre": main.genre if main else "",
                "main_genre_photos": main.count if main else 0,
            },
            based_on=classified,
            confidence=weaker(confidence_for(classified, t), overall),
        )
    ]


def genre_recs(
    subjects: SubjectDistribution, sums: GenreSums, overall: Confidence, t: Thresholds
) -> tuple[list[Recommendation], list[Recommendation], list[Recommendation]]:
    """(strengths, weaknesses, growth) about genres."""
    strengths, weaknesses = _compare_recs(sums, overall, t)
    return strengths, weaknesses, _missing_genre_recs(subjects, overall, t)
