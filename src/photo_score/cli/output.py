"""Render results as a table, JSON (the DESIGN §12 contract) or CSV."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.table import Table

from photo_score.models import ATTRIBUTES
from photo_score.report import BurstPlace, ErrorItem, Ranking, RunSummary, ScoredPhoto
from photo_score.scoring import DISPLAY_NAMES


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


CSV_COLUMNS = (
    "rank",
    "path",
    "final_score",
    "tier",
    "aesthetic_score",
    "technical_score",
    *ATTRIBUTES,
    "missing_attributes",
    "analyzer",
    "confidence",
    "capture_time",
    "camera_make",
    "camera_model",
    "lens",
    "explanation",
    "image_id",
    "burst_id",  # the image id of the burst's first frame; empty when not in a burst
    "burst_rank",  # 1 = the frame to keep
    "burst_size",
)


def write_json(
    out: TextIO, photos: Iterable[ScoredPhoto], errors: list[ErrorItem], summary: RunSummary
) -> None:
    """The DESIGN §12 object, streamed photo by photo so memory stays flat at any size.

    ASCII escapes keep non-UTF-8 file names (lone surrogates) representable in JSON.
    """
    out.write('{"photos": [')
    for i, photo in enumerate(photos):
        out.write(",\n" if i else "\n")
        out.write(json.dumps(photo.model_dump(mode="json"), ensure_ascii=True))
    out.write('\n], "errors": ')
    out.write(json.dumps([e.model_dump(mode="json") for e in errors], indent=1, ensure_ascii=True))
    out.write(', "summary": ')
    out.write(json.dumps(summary.model_dump(mode="json"), indent=1, ensure_ascii=True))
    out.write("}\n")


def write_csv(out: TextIO, photos: Iterable[ScoredPhoto]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in photos:
        md = p.metadata
        writer.writerow(
            [
                p.rank,
                p.path,
                f"{p.final_score:.2f}",
                p.tier,
                _num(p.aesthetic_score),
                _num(p.technical_score),
                *(_num(p.attributes.get(a)) for a in ATTRIBUTES),
                ";".join(p.missing_attributes),
                p.analyzer,
                _num(p.confidence),
                md.capture_time or "",
                md.camera_make or "",
                md.camera_model or "",
                md.lens or "",
                p.explanation,
                p.image_id,
                p.burst.id if p.burst else "",
                p.burst.rank if p.burst else "",
                p.burst.size if p.burst else "",
            ]
        )


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def render_table(
    photos: list[ScoredPhoto], errors: list[ErrorItem], summary: RunSummary, console: Console
) -> None:
    table = Table(title=None, show_lines=False, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("score", justify="right")
    table.add_column("tier")
    table.add_column("aesth.", justify="right")
    table.add_column("tech.", justify="right")
    table.add_column("photo", overflow="fold", ratio=3)
    table.add_column("why", overflow="fold", ratio=2)
    for p in photos:
        table.add_row(
            str(p.rank),
            f"{p.final_score:.1f}",
            p.tier,
            "–" if p.aesthetic_score is None else f"{p.aesthetic_score * 100:.0f}",
            "–" if p.technical_score is None else f"{p.technical_score * 100:.0f}",
            _short_path(p.path),
            _why(p),
        )
    if photos:
        console.print(table)
    hidden = summary.scored - len(photos)
    if hidden > 0:
        console.print(f"… {hidden} more (use --limit 0 to show all)")
    for err in errors:
        console.print(f"[red]failed[/red] {_display_path(err.path)}: {err.error}", markup=True)
    s = summary
    parts = [f"{s.scored} scored", f"{s.failed} failed"]
    if s.analyzed or s.cached:
        parts.append(f"{s.analyzed} analyzed, {s.cached} from cache")
    if s.mean_score is not None:
        parts.append(f"mean {s.mean_score:.1f}")
    if s.interrupted:
        parts.append("INTERRUPTED — run again to finish")
    console.print(" · ".join(parts) + f" · analyzer {s.analyzer} · config {s.config}")


# Below this the analyzer has said it cannot judge the frame (tiny, blank, a screenshot):
# the table says so in front of the reasons, and ``show`` quotes why.
LOW_CONFIDENCE = 0.3


def _why(p: ScoredPhoto) -> str:
    """A one-line reason for the table; ``show`` gives the full explanation."""
    if p.confidence is not None and p.confidence < LOW_CONFIDENCE:
        return "low confidence: the analyzer could not judge this frame (`show` says why)"
    parts = [_burst_label(p.burst)] if p.burst else []
    parts += [f"+{DISPLAY_NAMES[a]}" for a in p.lifted[:2]]
    parts += [f"−{DISPLAY_NAMES[a]}" for a in p.sank[:2]]
    parts += [f"penalty: {DISPLAY_NAMES[a]}" for a in p.penalties]
    if p.missing_attributes:
        parts.append(f"{len(p.missing_attributes)} not measured")
    return " ".join(parts) or "even across attributes"


def _burst_label(place: BurstPlace) -> str:
    """Where the frame stands in its burst and, for the others, what sets it back."""
    if place.keeper:
        return f"keep: best of a {place.size}-frame burst;"
    why = f" ({'; '.join(place.notes)})" if place.notes else ""
    return f"burst frame {place.rank} of {place.size}{why};"


def _short_path(path: str) -> str:
    """The folder and file name: enough to find a photo, short enough for a table."""
    parent, name = os.path.split(_display_path(path))
    return os.path.join(os.path.basename(parent), name)


def _display_path(path: str) -> str:
    """File names that are not valid UTF-8 are shown with replacement characters."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def emit(
    ranking: Ranking,
    errors: list[ErrorItem],
    summary: RunSummary,
    fmt: OutputFormat,
    output: Path | None,
    limit: int,
) -> None:
    """Write the result; call while the cache is open (photos are built as they stream)."""
    if fmt is OutputFormat.table:
        photos = list(ranking.photos(limit if limit > 0 else None))
        if output is None:
            render_table(photos, errors, summary, Console())
        else:
            with output.open("w", encoding="utf-8") as fh:
                render_table(photos, errors, summary, Console(file=fh, width=200))
        return
    with contextlib.ExitStack() as stack:
        out: TextIO
        if output is None:
            sys.stdout.flush()
            wrapper = io.TextIOWrapper(
                sys.stdout.buffer, encoding="utf-8", errors="surrogateescape", newline=""
            )
            stack.callback(wrapper.detach)  # leave sys.stdout usable afterwards
            stack.callback(wrapper.flush)
            out = wrapper
        else:
            out = stack.enter_context(
                output.open("w", encoding="utf-8", errors="surrogateescape", newline="")
            )
        if fmt is OutputFormat.json:
            write_json(out, ranking.photos(), errors, summary)
        else:
            write_csv(out, ranking.photos())
