"""The five style dimensions: per-photo readings on a −1…1 axis, then their summary.

Each reading prefers the local analyzer's measurement and falls back to the vision
features, so a collection scored by either analyzer (or both) lands on the same axes.
docs/recommendations.md spells out every formula; ``method`` repeats it in the output.
"""

from __future__ import annotations

import numpy as np

from photo_score.recommendations.profile import StyleDimension
from photo_score.recommendations.records import PhotoTable
from photo_score.recommendations.stats import Array, Mask, lookup, nanmean_rows, rnd, rnd_opt
from photo_score.recommendations.thresholds import Thresholds, confidence_for

_DIM_METHODS = {
    "centered_vs_rule_of_thirds": (
        "per photo: measured (d_centre − d_thirds)/(d_centre + d_thirds) of the subject "
        "(local analyzer), else subject_position center −1, off_center 0, rule_of_thirds +1; "
        "photos without a single subject are left out"
    ),
    "minimalist_vs_complex": (
        "per photo: mean of background clean −1, blurred −0.5, contextual +0.25, busy +1 "
        "and clip(log2(clutter), −1, 1) where clutter = background ÷ subject edge density"
    ),
    "tight_vs_loose_framing": (
        "per photo: clip(ln(0.116 / subject_area) / ln(3.87), −1, 1): the subject filling "
        "≥ 45% of the frame is −1, ≤ 3% is +1 (needs the local analyzer's measurement)"
    ),
    "dark_moody_vs_bright_airy": (
        "per photo: clip((median luma − 118) / 72, −1, 1) when measured, else from features: "
        "exposure_key low-key −1 / high-key +1, lighting low_light −0.75, "
        "technical_issues underexposed −0.75 / overexposed +0.75, otherwise 0"
    ),
    "high_contrast_vs_flat": (
        "per photo: clip((50 − RMS contrast) / 25, −1, 1) when measured, else lighting "
        "natural_harsh −0.5, natural_soft +0.5, other known lighting 0"
    ),
}

_POLES: dict[str, tuple[str, str]] = {
    "centered_vs_rule_of_thirds": ("centered", "rule of thirds"),
    "minimalist_vs_complex": ("minimalist", "complex"),
    "tight_vs_loose_framing": ("tight framing", "loose framing"),
    "dark_moody_vs_bright_airy": ("dark and moody", "bright and airy"),
    "high_contrast_vs_flat": ("high contrast", "flat"),
}


def _measured_else(measured: Array, fallback: Array) -> tuple[Array, Mask]:
    """The measurement where there is one, else the feature-based reading."""
    has = ~np.isnan(measured)
    return np.where(has, measured, fallback), has


def _signals(table: PhotoTable) -> dict[str, tuple[Array, Mask]]:
    """Per-photo readings of every style dimension (NaN = no reading) and "was measured"."""
    m = table.measurements
    n = len(table)
    out: dict[str, tuple[Array, Mask]] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        position = table.feature("subject_position")
        pos_feat = lookup(position, {"center": -1.0, "rule_of_thirds": 1.0, "off_center": 0.0})
        pos_unusable = (position.codes >= 0) & np.isnan(pos_feat)  # unknown, multiple
        cd, td = m["centre_distance"], m["thirds_distance"]
        total = cd + td
        pos_meas = np.where(total > 0, (cd - td) / total, np.nan)
        pos_meas = np.clip(pos_meas, -1.0, 1.0)
        measured = ~np.isnan(pos_meas) & ~pos_unusable
        out["centered_vs_rule_of_thirds"] = (np.where(measured, pos_meas, pos_feat), measured)

        background = lookup(
            table.feature("background"),
            {"clean": -1.0, "blurred": -0.5, "contextual": 0.25, "busy": 1.0},
        )
        clutter = m["clutter"]
        clutter_s = np.where(clutter > 0, np.clip(np.log2(clutter), -1.0, 1.0), np.nan)
        out["minimalist_vs_complex"] = (
            nanmean_rows(background, clutter_s),
            ~np.isnan(clutter_s),
        )

        area = m["subject_area"]
        framing = np.where(
            (area > 0) & ~pos_unusable,
            np.clip(np.log(0.116 / area) / np.log(3.87), -1.0, 1.0),
            np.nan,
        )
        out["tight_vs_loose_framing"] = (framing, ~np.isnan(framing))

        issues = {name: table.issues[:, j] for j, name in enumerate(table.issue_levels)}
        none = np.zeros(n, dtype=np.bool_)
        under = issues.get("underexposed", none)
        over = issues.get("overexposed", none)
        lighting = table.feature("lighting")
        light_dark = lookup(lighting, {"low_light": -0.75}, default=0.0)
        key = lookup(table.feature("exposure_key"), {"low-key": -1.0, "high-key": 1.0}, 0.0)
        cue = light_dark + np.where(np.isnan(key), 0.0, key) - 0.75 * under + 0.75 * over
        dark_feat = np.where(np.isnan(light_dark), np.nan, np.clip(cue, -1.0, 1.0))
        dark_meas = np.clip((m["luma_p50"] - 118.0) / 72.0, -1.0, 1.0)
        out["dark_moody_vs_bright_airy"] = _measured_else(dark_meas, dark_feat)

        contrast_feat = lookup(lighting, {"natural_harsh": -0.5, "natural_soft": 0.5}, default=0.0)
        contrast_meas = np.clip((50.0 - m["contrast_rms"]) / 25.0, -1.0, 1.0)
        out["high_contrast_vs_flat"] = _measured_else(contrast_meas, contrast_feat)
    return out


def _label(value: float | None, n: int, poles: tuple[str, str], t: Thresholds) -> str:
    if value is None:
        plural = "s" if n != 1 else ""
        return f"not enough data ({n} photo{plural} with a reading; need {t.min_dimension})"
    if value <= -t.strong_lean:
        return f"strongly {poles[0]}"
    if value <= -t.style_lean:
        return f"leans {poles[0]}"
    if value >= t.strong_lean:
        return f"strongly {poles[1]}"
    if value >= t.style_lean:
        return f"leans {poles[1]}"
    return f"balanced between {poles[0]} and {poles[1]}"


def _dimension(key: str, s: Array, measured: Mask, final: Array, t: Thresholds) -> StyleDimension:
    poles = _POLES[key]
    valid = ~np.isnan(s)
    n = int(valid.sum())
    sv, fs, meas = s[valid], final[valid], measured[valid]
    first, second = sv <= -1 / 3, sv >= 1 / 3
    scored = ~np.isnan(fs)
    n1, n2 = int((first & scored).sum()), int((second & scored).sum())
    m1 = float(fs[first & scored].mean()) if n1 else None
    m2 = float(fs[second & scored].mean()) if n2 else None
    value = float(sv.mean()) if n >= t.min_dimension and n else None
    return StyleDimension(
        key=key,
        poles=poles,
        value=rnd_opt(value),
        label=_label(value, n, poles, t),
        n=n,
        confidence=confidence_for(n, t),
        share_first=rnd(first.mean()) if n else None,
        share_second=rnd(second.mean()) if n else None,
        n_first=n1,
        n_second=n2,
        mean_score_first=rnd_opt(m1, 1),
        mean_score_second=rnd_opt(m2, 1),
        sources={"measured": int(meas.sum()), "features": int((~meas).sum())},
        method=_DIM_METHODS[key],
    )


def style_dimensions(table: PhotoTable, t: Thresholds) -> dict[str, StyleDimension]:
    """Every dimension by key, in the order the profile and its notes list them."""
    return {
        key: _dimension(key, s, measured, table.final, t)
        for key, (s, measured) in _signals(table).items()
    }
