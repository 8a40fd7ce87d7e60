"""The personality as ONE self-contained HTML file: inline CSS, inline SVG charts, no script.

Every piece of text that came from data (feature values, messages, periods) goes through
:func:`html.escape`, so a hostile feature string cannot inject markup. No external asset
is referenced: the file opens offline, from an e-mail or a USB stick.
"""

from __future__ import annotations

from html import escape

from photo_score.recommendations.profile import (
    PersonalityProfile,
    Recommendation,
    RecommendationType,
    StyleDimension,
    Trait,
    TrendPoint,
)

_CSS = """
:root { --ink:#1d2327; --muted:#5f6b73; --line:#d9dee2; --accent:#2f6f9f; --good:#2e7d4f;
  --bad:#b4452f; --bg:#fbfbfa; }
* { box-sizing:border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font:15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width:980px; margin:0 auto; padding:32px 20px 64px; }
h1 { font-size:28px; margin:0 0 4px; }
h2 { font-size:20px; margin:36px 0 12px; border-bottom:1px solid var(--line);
  padding-bottom:4px; }
h3 { font-size:16px; margin:18px 0 8px; }
p.summary { font-size:17px; margin:0 0 12px; }
.notes { color:var(--muted); font-size:14px; padding-left:18px; }
.grid { display:grid; grid-template-columns:repeat(auto-fit, minmax(280px, 1fr)); gap:14px; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 14px; }
.card h4 { margin:0 0 6px; font-size:15px; }
.card p { margin:0 0 8px; }
.badge { display:inline-block; font-size:12px; padding:1px 8px; border-radius:10px;
  background:#eef2f5; color:var(--muted); margin-right:6px; }
.badge.high { background:#e3f1e8; color:var(--good); }
.badge.medium { background:#e8f0f7; color:var(--accent); }
.badge.low { background:#f6efe3; color:#8a6214; }
.evidence { font-size:12px; color:var(--muted); }
table { border-collapse:collapse; width:100%; font-size:14px; }
th, td { text-align:left; padding:4px 8px; border-bottom:1px solid var(--line); }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
svg { display:block; max-width:100%; height:auto; }
svg text { font:12px -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill:#1d2327; }
.muted { color:var(--muted); }
footer { margin-top:40px; font-size:12px; color:var(--muted); }
"""

_TYPE_TITLES: tuple[tuple[RecommendationType, str], ...] = (
    ("strength", "Strengths to build on"),
    ("weakness", "Weaknesses to work on"),
    ("style", "Your style"),
    ("growth", "Ways to grow"),
)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _card(rec: Recommendation) -> str:
    evidence = ", ".join(f"{_e(k)} {_e(v)}" for k, v in rec.evidence.items())
    return (
        '<div class="card">'
        f"<h4>{_e(rec.title)}</h4>"
        f"<p>{_e(rec.message)}</p>"
        f'<span class="badge {_e(rec.confidence)}">{_e(rec.confidence)} confidence</span>'
        f'<span class="badge">{rec.based_on} photos</span>'
        f'<div class="evidence">{evidence}</div>'
        "</div>"
    )


def _histogram(bins: list[int]) -> str:
    width, height, pad = 560, 200, 28
    peak = max(bins) if bins and max(bins) > 0 else 1
    bar_w = (width - 2 * pad) / len(bins)
    parts = [
        f'<svg viewBox="0 0 {width} {height + 24}" role="img" '
        'aria-label="Histogram of scores from 0 to 100">'
    ]
    for i, count in enumerate(bins):
        h = (height - 2 * pad) * count / peak
        x = pad + i * bar_w
        y = height - pad - h
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar_w - 4:.1f}" height="{h:.1f}" '
            f'fill="#2f6f9f"><title>{i * 10}–{i * 10 + 10}: {count} photos</title></rect>'
        )
        if count:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{count}</text>'
            )
        parts.append(
            f'<text x="{x:.1f}" y="{height - pad + 16:.1f}" text-anchor="middle">{i * 10}</text>'
        )
    parts.append(
        f'<text x="{width - pad:.1f}" y="{height - pad + 16:.1f}" text-anchor="middle">100</text>'
    )
    parts.append(
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="#5f6b73"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _hbars(rows: list[tuple[str, float, float | None, float | None, str]], scale: float) -> str:
    """Horizontal bars: (label, value, low, high, caption); ``scale`` is the full width value."""
    row_h, label_w, bar_w, width = 26, 150, 330, 720
    height = row_h * len(rows) + 10
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="bar chart">']
    for i, (label, value, low, high, caption) in enumerate(rows):
        y = 5 + i * row_h
        w = bar_w * max(0.0, min(value / scale, 1.0)) if scale > 0 else 0.0
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{_e(label)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="16" fill="#eef2f5"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="16" fill="#2f6f9f"/>'
        )
        if low is not None and high is not None and scale > 0:
            x1 = label_w + bar_w * low / scale
            x2 = label_w + bar_w * high / scale
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y + 12}" x2="{x2:.1f}" y2="{y + 12}" '
                'stroke="#1d2327" stroke-width="2"/>'
            )
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 16}">{_e(caption)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _dimension(d: StyleDimension) -> str:
    width, left, right = 600, 150, 450
    mid = (left + right) / 2
    parts = [
        f'<svg viewBox="0 0 {width} 48" role="img" aria-label="{_e(d.key)}">',
        f'<text x="{left - 8}" y="28" text-anchor="end">{_e(d.poles[0])}</text>',
        f'<text x="{right + 8}" y="28">{_e(d.poles[1])}</text>',
        f'<line x1="{left}" y1="24" x2="{right}" y2="24" stroke="#d9dee2" stroke-width="6" '
        'stroke-linecap="round"/>',
        f'<line x1="{mid}" y1="16" x2="{mid}" y2="32" stroke="#5f6b73"/>',
    ]
    if d.value is not None:
        x = mid + (right - left) / 2 * d.value
        parts.append(f'<circle cx="{x:.1f}" cy="24" r="8" fill="#2f6f9f"/>')
    parts.append("</svg>")
    value = "no reading" if d.value is None else f"{d.value:+.2f}"
    scores = ""
    if d.mean_score_first is not None and d.mean_score_second is not None:
        scores = (
            f" · {d.poles[0]} average {d.mean_score_first:.1f} ({d.n_first}), "
            f"{d.poles[1]} {d.mean_score_second:.1f} ({d.n_second})"
        )
    caption = f"{d.label} · {value} · {d.n} photos · {d.confidence} confidence{scores}"
    return "".join(parts) + f'<p class="muted">{_e(caption)}</p>'


def _trend(points: list[TrendPoint]) -> str:
    width, height, pad = 600, 220, 40
    means = [p.mean_score for p in points]
    low, high = min(means), max(means)
    if high - low < 10:
        mid = (high + low) / 2
        low, high = mid - 5, mid + 5
    span = len(points) - 1 or 1

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * i / span
        y = height - pad - (height - 2 * pad) * (v - low) / (high - low)
        return x, y

    coords = [xy(i, p.mean_score) for i, p in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="Mean score over time">',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="#5f6b73"/>',
        f'<text x="{pad - 6}" y="{pad}" text-anchor="end">{high:.0f}</text>',
        f'<text x="{pad - 6}" y="{height - pad}" text-anchor="end">{low:.0f}</text>',
        f'<polyline points="{path}" fill="none" stroke="#2f6f9f" stroke-width="2"/>',
    ]
    step = max(1, len(points) // 8)
    for i, ((x, y), p) in enumerate(zip(coords, points, strict=True)):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#2f6f9f">'
            f"<title>{_e(p.period)}: {p.mean_score:.1f} over {p.n} photos</title></circle>"
        )
        if i % step == 0 or i == len(points) - 1:
            parts.append(
                f'<text x="{x:.1f}" y="{height - pad + 16}" text-anchor="middle">'
                f"{_e(p.period)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _traits_table(traits: list[Trait], group: str) -> str:
    if not traits:
        return f'<p class="muted">No trait stands out in your {_e(group)} yet.</p>'
    rows = "".join(
        f"<tr><td>{_e(t.label)}</td><td class='num'>{t.in_group} of {t.group_size}</td>"
        f"<td class='num'>{t.share_in_group:.0%}</td><td class='num'>{t.share_overall:.0%}</td>"
        f"<td class='num'>{t.lift:.1f}×</td></tr>"
        for t in traits
    )
    return (
        "<table><thead><tr><th>trait</th><th class='num'>photos</th>"
        f"<th class='num'>in {_e(group)}</th><th class='num'>overall</th>"
        f"<th class='num'>lift</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def render_html(profile: PersonalityProfile, *, title: str = "Your photography personality") -> str:
    """The whole report as one HTML document (UTF-8, no external references, no script)."""
    p = profile
    d = p.score_distribution
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="summary">{_e(p.summary)}</p>',
    ]
    if p.notes:
        out.append('<ul class="notes">' + "".join(f"<li>{_e(n)}</li>" for n in p.notes) + "</ul>")

    out.append("<h2>Recommendations</h2>")
    if not p.recommendations:
        out.append(
            '<p class="muted">No recommendation yet: there is not enough data for a claim '
            "worth making.</p>"
        )
    for kind, heading in _TYPE_TITLES:
        recs = p.by_type(kind)
        if recs:
            out.append(f"<h3>{_e(heading)}</h3><div class='grid'>")
            out.extend(_card(r) for r in recs)
            out.append("</div>")

    out.append("<h2>Scores</h2>")
    stats = (
        f"{d.n} scored photos · mean {_num(d.mean)} · spread (std) {_num(d.std)} · median "
        f"{_num(d.median)} · bottom 10% ≤ {_num(d.p10)} · top 10% ≥ {_num(d.p90)}"
    )
    out.append(f"<p>{_e(stats)}</p>")
    if d.n:
        out.append(_histogram(d.histogram))
        tiers = "".join(
            f"<tr><td>{_e(name)}</td><td class='num'>{count}</td></tr>"
            for name, count in d.tiers.items()
        )
        out.append(
            "<h3>Tiers</h3><table><thead><tr><th>tier</th><th class='num'>photos</th></tr>"
            f"</thead><tbody>{tiers}</tbody></table>"
        )

    out.append("<h3>Attributes: your typical level</h3>")
    out.append(
        '<p class="muted">Bar: your median (0–1). Line: where the middle half of your photos '
        "fall.</p>"
    )
    rows = [
        (
            a.display_name,
            a.median or 0.0,
            a.p25,
            a.p75,
            f"{_num(a.median, 2)} (middle half {_num(a.p25, 2)}–{_num(a.p75, 2)})",
        )
        for a in d.attributes
        if a.median is not None
    ]
    if rows:
        out.append(_hbars(rows, 1.0))
    else:
        out.append('<p class="muted">No attribute measured yet.</p>')

    out.append("<h3>What your best and weakest photos share</h3>")
    out.append(_traits_table(d.top_traits, "top 10%"))
    out.append("<br>")
    out.append(_traits_table(d.bottom_traits, "bottom 10%"))

    out.append("<h2>Style</h2><h3>Composition</h3>")
    c = p.composition_style
    for dim in (c.centered_vs_rule_of_thirds, c.minimalist_vs_complex, c.tight_vs_loose_framing):
        out.append(_dimension(dim))
    out.append("<h3>Exposure</h3>")
    e = p.exposure_preference
    for dim in (e.dark_moody_vs_bright_airy, e.high_contrast_vs_flat):
        out.append(_dimension(dim))

    out.append("<h2>Subjects</h2>")
    s = p.subject_distribution
    if s.genres:
        peak = max(g.count for g in s.genres)
        out.append(
            _hbars(
                [
                    (
                        g.genre,
                        float(g.count),
                        None,
                        None,
                        f"{g.count} ({g.share:.0%})"
                        + (f" · average {g.mean_score:.1f}" if g.mean_score is not None else ""),
                    )
                    for g in s.genres
                ],
                float(peak),
            )
        )
    known = f"{s.classified} photos with a known genre, {s.unknown} unknown."
    out.append(f'<p class="muted">{_e(known)}</p>')

    out.append("<h2>Over time</h2>")
    t = p.trends
    if t.points:
        out.append(_trend(t.points))
    out.append(f"<p>{_e(t.summary)}</p>")

    th = p.thresholds
    out.append(
        "<footer>"
        + _e(
            f"Personality {p.version} · {p.photo_count} photos ({p.scored_count} scored) · "
            f"analyzers: {', '.join(f'{k} {v}' for k, v in p.analyzers.items()) or 'none'} · "
            f"claims need ≥ {th.min_photos} photos (medium confidence from {th.medium_photos}, "
            f"high from {th.high_photos}); comparisons need ≥ {th.min_group} photos per side."
        )
        + "</footer>"
    )
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
