"""``photo-score insights``: the photography personality of everything in the cache."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from photo_score.cli.options import ConfigOption, OutputOption
from photo_score.errors import NotFoundError
from photo_score.recommendations import PersonalityProfile, personality_from_cache, render_html
from photo_score.recommendations.profile import RecommendationType
from photo_score.settings import get_settings
from photo_score.storage.cache import Cache
from photo_score.user_config import config_for_run


class InsightsFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"


InsightsFormatOption = Annotated[
    InsightsFormat,
    typer.Option(
        "--format",
        "-f",
        help="table, json (the profile as the cloud serves it) or html (one self-contained file).",
    ),
]

_HEADINGS: tuple[tuple[RecommendationType, str], ...] = (
    ("strength", "Strengths"),
    ("weakness", "Weaknesses"),
    ("style", "Style"),
    ("growth", "Growth"),
)


def insights(
    config: ConfigOption = None,
    fmt: InsightsFormatOption = InsightsFormat.table,
    output: OutputOption = None,
) -> None:
    """Your photography personality: style, subjects, strengths, weaknesses and trends."""
    settings = get_settings()
    cfg = config_for_run(settings.home, config)
    with Cache(settings.cache_path) as cache:
        profile = personality_from_cache(cache, config=cfg)
    if profile.photo_count == 0:
        raise NotFoundError("no analysed photos in the cache yet; run photo-score score PATH first")
    if fmt is InsightsFormat.table:
        if output is None:
            render_table(profile, Console())
        else:
            with output.open("w", encoding="utf-8") as fh:
                render_table(profile, Console(file=fh, width=120))
        return
    if fmt is InsightsFormat.json:
        text = json.dumps(profile.model_dump(mode="json"), indent=2, ensure_ascii=True) + "\n"
    else:
        text = render_html(profile)
    _write(text, output)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        output.write_text(text, encoding="utf-8")


def _bar(value: float, scale: float, width: int = 20) -> str:
    filled = 0 if scale <= 0 else round(width * max(0.0, min(value / scale, 1.0)))
    return "█" * filled + "·" * (width - filled)


def render_table(p: PersonalityProfile, console: Console) -> None:
    """The profile for a terminal. Data-derived text is never parsed as rich markup."""
    console.print(Text("Your photography personality", style="bold"))
    console.print(Text(p.summary))
    for note in p.notes:
        console.print(Text(f"  note: {note}", style="dim"))

    console.print()
    if not p.recommendations:
        console.print(Text("No recommendation yet: not enough data for a claim worth making."))
    for kind, heading in _HEADINGS:
        recs = p.by_type(kind)
        if not recs:
            continue
        console.print(Text(heading, style="bold"))
        for r in recs:
            line = Text("  • ")
            line.append(r.title, style="bold")
            line.append(f" — {r.message} ")
            line.append(f"[{r.confidence} confidence, {r.based_on} photos]", style="dim")
            console.print(line)

    style = Table(title=None, header_style="bold", show_lines=False)
    for column in ("dimension", "reading", "value", "photos", "confidence"):
        style.add_column(column, justify="right" if column in ("value", "photos") else "left")
    c, e = p.composition_style, p.exposure_preference
    for d in (
        c.centered_vs_rule_of_thirds,
        c.minimalist_vs_complex,
        c.tight_vs_loose_framing,
        e.dark_moody_vs_bright_airy,
        e.high_contrast_vs_flat,
    ):
        style.add_row(
            Text(f"{d.poles[0]} ↔ {d.poles[1]}"),
            Text(d.label),
            "–" if d.value is None else f"{d.value:+.2f}",
            str(d.n),
            d.confidence,
        )
    console.print()
    console.print(Text("Style (−1 = first pole, +1 = second)", style="bold"))
    console.print(style)

    subjects = Table(header_style="bold")
    for column in ("genre", "photos", "share", "mean score", ""):
        subjects.add_column(column, justify="left" if column in ("genre", "") else "right")
    peak = max((g.count for g in p.subject_distribution.genres), default=0)
    for g in p.subject_distribution.genres:
        subjects.add_row(
            Text(g.genre),
            str(g.count),
            f"{g.share:.0%}",
            "–" if g.mean_score is None else f"{g.mean_score:.1f}",
            _bar(g.count, peak),
        )
    console.print(Text("Subjects", style="bold"))
    console.print(subjects)

    dist = p.score_distribution
    console.print(Text("Scores", style="bold"))
    if dist.n:
        console.print(
            Text(
                f"  mean {dist.mean:.1f} · std {dist.std:.1f} · median {dist.median:.1f} · "
                f"bottom 10% ≤ {dist.p10:.1f} · top 10% ≥ {dist.p90:.1f}"
            )
        )
        peak = max(dist.histogram) or 1
        for i, count in enumerate(dist.histogram):
            console.print(Text(f"  {i * 10:>3}–{i * 10 + 10:<3} {_bar(count, peak, 30)} {count}"))
    for label, traits in (
        ("Best 10% share", dist.top_10_percent_traits),
        ("Weakest 10% share", dist.bottom_10_percent_traits),
    ):
        if traits:
            console.print(Text(f"  {label}: " + "; ".join(traits)))

    console.print(Text("Over time", style="bold"))
    t = p.trends
    if t.points:
        low = min(pt.mean_score for pt in t.points)
        for pt in t.points:
            bar = _bar(pt.mean_score - low + 5, max(pt.mean_score for pt in t.points) - low + 5)
            console.print(Text(f"  {pt.period:<8} {pt.mean_score:5.1f} {bar} ({pt.n} photos)"))
    console.print(Text(f"  {t.summary}"))
