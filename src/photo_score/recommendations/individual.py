"""Advice on one photo, measured against the photographer's own typical level.

"Typical" is personal: per attribute, the median of the photographer's collection and a
robust spread (1.4826 × the median absolute deviation). A photo's attribute is called
out when it sits at least one spread and ``min_gap`` below that median; the ones furthest
below (by the gap, in attribute units) come first. Each item quotes the measured
quantities and features behind it and turns them into concrete steps ("1/30 s at 85 mm:
use 1/85 s or faster"). The vision critique, when one exists, is folded in.

Below :data:`MIN_TYPICAL` scored photos there is no honest "typical": the advice says so
and falls back to the absolute scale (attributes under 0.5), marked ``basis="absolute"``.

Pure functions over plain inputs (:func:`advise`); :func:`advice_for_image` is the
convenience the ``show`` command and the desktop sidecar call with a cache.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from photo_score.errors import NotFoundError
from photo_score.inference.local.composition import tilt_verdict
from photo_score.inference.local.noise import VISIBLE_BLOCKINESS
from photo_score.models import ATTRIBUTES, AnalysisResult, PhotoMetadata
from photo_score.scoring import DISPLAY_NAMES
from photo_score.storage.cache import Cache

Array = npt.NDArray[np.float64]

MIN_TYPICAL = 20
"""Scored photos needed before an attribute's median is the photographer's "typical"."""
MIN_SPREAD = 0.04  # a floor on the robust spread: a very even collection is not "noisy"
MIN_GAP = 0.05  # below typical by less than this is not worth a word
ABSOLUTE_BAR = 0.5  # the fallback bar when there is no personal typical yet
TRACKED_MEASUREMENTS: tuple[str, ...] = (
    "luma_p50",
    "contrast_rms",
    "noise_sigma",
    "subject_area",
    "saliency_ratio",
    "clutter",
)
"""Measurements whose personal medians the advice can quote ("vs your usual 45%")."""


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class AttributeTypical(_Out):
    attribute: str
    n: int
    median: float | None
    spread: float | None  # 1.4826 × MAD, floored at MIN_SPREAD


class Baseline(_Out):
    """The photographer's typical level: build once per collection, reuse for every photo."""

    n: int  # photos in the collection (with at least one attribute)
    ready: bool  # every attribute with ≥ min_photos values has a typical
    min_photos: int
    attributes: dict[str, AttributeTypical]
    measurements: dict[str, float]  # medians of TRACKED_MEASUREMENTS where known


class AdviceItem(_Out):
    attribute: str
    display_name: str
    value: float
    typical: float | None  # the photographer's median (None when basis is absolute)
    spread: float | None
    deviation: float | None  # (value − typical) / spread
    gap: float  # typical − value (or ABSOLUTE_BAR − value)
    basis: Literal["personal", "absolute"]
    finding: str | None  # the analyzer's own note for this attribute
    advice: list[str]  # concrete steps, most specific first
    text: str  # one line, e.g. "sharpness 0.41 vs your usual 0.72: … — …"


class CritiqueAdvice(_Out):
    summary: str
    could_improve: list[str]
    key_recommendation: str | None


class IndividualAdvice(_Out):
    image_id: str
    analyzer: str
    based_on: int  # photos in the baseline
    basis: Literal["personal", "absolute"]
    message: str
    items: list[AdviceItem]  # furthest below typical first
    above_typical: list[str]  # attributes clearly above the photographer's usual
    critique: CritiqueAdvice | None

    def lines(self) -> list[str]:
        """Plain-text lines for a terminal (``show``) or a sidecar panel."""
        out = [self.message]
        out += [f"- {item.text}" for item in self.items]
        if self.above_typical:
            out.append("Above your usual: " + ", ".join(self.above_typical) + ".")
        if self.critique is not None:
            if self.critique.key_recommendation:
                out.append(f"Critique: {self.critique.key_recommendation}")
            out += [f"  - {point}" for point in self.critique.could_improve]
        return out


# ----------------------------------------------------------------------------- baseline


def baseline_from_values(
    values: Array,
    measurements: Mapping[str, Array] | None = None,
    *,
    min_photos: int = MIN_TYPICAL,
) -> Baseline:
    """The typical level from an N×6 attribute matrix (ATTRIBUTES order, NaN = missing)."""
    values = np.asarray(values, dtype=np.float64).reshape(-1, len(ATTRIBUTES))
    n = int((~np.isnan(values)).any(axis=1).sum())
    typicals: dict[str, AttributeTypical] = {}
    ready = False
    for j, name in enumerate(ATTRIBUTES):
        col = values[:, j]
        col = col[~np.isnan(col)]
        if len(col) >= min_photos:
            median = float(np.median(col))
            spread = max(1.4826 * float(np.median(np.abs(col - median))), MIN_SPREAD)
            typicals[name] = AttributeTypical(
                attribute=name, n=len(col), median=round(median, 4), spread=round(spread, 4)
            )
            ready = True
        else:
            typicals[name] = AttributeTypical(attribute=name, n=len(col), median=None, spread=None)
    medians: dict[str, float] = {}
    for key in TRACKED_MEASUREMENTS:
        column = (measurements or {}).get(key)
        if column is None:
            continue
        known = np.asarray(column, dtype=np.float64)
        known = known[~np.isnan(known)]
        if len(known) >= min_photos:
            medians[key] = round(float(np.median(known)), 4)
    return Baseline(
        n=n, ready=ready, min_photos=min_photos, attributes=typicals, measurements=medians
    )


def baseline_from_cache(cache: Cache, *, min_photos: int = MIN_TYPICAL) -> Baseline:
    """The typical level over every cached photo (attributes only: one fast query)."""
    return baseline_from_values(cache.load_attributes().values, min_photos=min_photos)


# ----------------------------------------------------------------------------- advice


def _shutter(seconds: float) -> str:
    if seconds >= 0.5:
        return f"{seconds:g} s"
    return f"1/{round(1 / seconds):d} s"


def _num(mapping: Mapping[str, Any], key: str) -> float | None:
    value = mapping.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _issues(features: Mapping[str, Any]) -> set[str]:
    raw = features.get("technical_issues")
    return {str(x) for x in raw} if isinstance(raw, list) else set()


def _has_face(features: Mapping[str, Any]) -> bool:
    faces = features.get("faces")
    return bool(faces) or features.get("human_presence") == "main_subject"


def _sharpness(
    m: Mapping[str, Any], f: Mapping[str, Any], md: PhotoMetadata | None
) -> tuple[list[str], list[str]]:
    findings: list[str] = []
    tips: list[str] = []
    subject, best = _num(m, "sharp_subject_ratio"), _num(m, "sharp_best_ratio")
    face = _has_face(f)
    if subject is not None and best is not None and best - subject > 0.15:
        findings.append(
            f"the subject is softer than the background (it keeps {subject:.0%} of its fine "
            f"detail, the sharpest area {best:.0%})"
        )
        tips.append(
            "focus landed behind or in front of the subject: put the AF point on the nearest "
            "eye (eye AF)"
            if face
            else "focus landed behind or in front of the subject: use single-point AF on it"
        )
    motion = f.get("blur_type") == "motion" or f.get("motion") == "blur"
    shutter = md.exposure_time if md else None
    focal = md.focal_length_mm if md else None
    if motion:
        # The dip the motion verdict was read from (the preview's), where there is one.
        index = _num(m, "blur_motion_index")
        if index is None:
            index = _num(m, "motion_index")
        findings.append(
            "motion blur" + (f" (directional smear index {index:.2f})" if index else "")
        )
    if shutter and focal and shutter > 1.0 / focal:
        safe = 1.0 / focal
        tips.append(
            f"faster shutter: {_shutter(shutter)} at {focal:g} mm is slower than the "
            f"hand-held rule of 1/focal length ({_shutter(safe)} or faster; "
            f"{_shutter(min(safe, 1 / 250))} for moving subjects) — raise ISO or open the "
            "aperture to get there"
        )
    elif shutter and shutter > 1 / 60:
        tips.append(
            f"faster shutter: {_shutter(shutter)} is slow hand-held; use 1/125 s or faster, or "
            "a support"
        )
    elif motion:
        tips.append("freeze the movement: a faster shutter (1/500 s for people moving)")
    if f.get("blur_type") == "defocus" and not findings:
        findings.append("soft in every direction alike: missed focus rather than shake")
        fn = md.f_number if md else None
        if fn and fn <= 2.8:
            tips.append(
                f"at f/{fn:g} the plane of focus is thin: stop down to f/4–f/5.6 or re-check "
                "the AF point"
            )
        else:
            tips.append("re-check the AF point and the focus mode (single vs continuous)")
    if not tips:
        tips.append("check focus at 100% and keep the shutter at or above 1/focal-length s")
    return findings, tips


def _exposure(
    m: Mapping[str, Any], f: Mapping[str, Any], baseline: Baseline
) -> tuple[list[str], list[str]]:
    findings: list[str] = []
    tips: list[str] = []
    p50, p99 = _num(m, "luma_p50"), _num(m, "luma_p99")
    clip_hi, clip_lo = _num(m, "clip_highlights"), _num(m, "clip_shadows")
    key = f.get("exposure_key")
    issues = _issues(f)
    usual = baseline.measurements.get("luma_p50")
    if clip_hi is not None and clip_hi >= 0.02:
        findings.append(f"highlights clipped on {clip_hi:.0%} of the frame")
        tips.append(
            "dial in −0.7 to −1 EV of exposure compensation, or meter for the highlights and "
            "lift the shadows later"
        )
    if p50 is not None and p50 < 70 and key != "low-key":
        stops = math.log2(118 / max(p50, 1.0))
        versus = f" vs your usual {usual / 255:.0%}" if usual is not None else ""
        findings.append(
            f"median brightness {p50 / 255:.0%}{versus}, about {stops:.1f} stops under mid-grey"
        )
        tips.append(
            f"+{stops:.1f} EV: exposure compensation, a slower shutter or a higher ISO; if dark "
            "was the intent, let the highlights still reach white"
        )
    elif p50 is not None and p50 > 190 and key != "high-key":
        stops = math.log2(p50 / 118)
        findings.append(f"median brightness {p50 / 255:.0%}, about {stops:.1f} stops over")
        tips.append(f"−{stops:.1f} EV of exposure compensation")
    if p99 is not None and p99 < 170:
        findings.append(f"the brightest tones only reach {p99 / 255:.0%}")
        tips.append("brighten until the highlights touch the right of the histogram")
    if clip_lo is not None and clip_lo >= 0.05:
        findings.append(f"shadows crushed to black on {clip_lo:.0%}")
        tips.append("lift the shadows, add fill light or a reflector")
    if not findings:
        if "overexposed" in issues:
            tips.append("negative exposure compensation; protect the highlights")
        if "underexposed" in issues:
            tips.append("positive exposure compensation; meter for the mid-tones")
    if not tips:
        tips.append("watch the histogram and use exposure compensation in bright or dark scenes")
    return findings, tips


def _noise(
    m: Mapping[str, Any], md: PhotoMetadata | None, baseline: Baseline
) -> tuple[list[str], list[str]]:
    findings: list[str] = []
    tips: list[str] = []
    sigma, block = _num(m, "noise_sigma"), _num(m, "jpeg_blockiness")
    iso = md.iso if md else None
    usual = baseline.measurements.get("noise_sigma")
    if sigma is not None:
        versus = f" vs your usual {usual:.1f}" if usual is not None else ""
        findings.append(f"grain of {sigma:.1f} levels{versus}" + (f" at ISO {iso}" if iso else ""))
    if iso and iso >= 1600:
        tips.append(
            f"ISO {iso}: get it down with a faster lens or a slower shutter on a support, and "
            "expose brightly — noise shows most in lifted shadows"
        )
    if block is not None and block > VISIBLE_BLOCKINESS:
        findings.append(f"JPEG block artefacts (grid steps {block:.0%} above the detail)")
        tips.append("save or export JPEGs at quality 90+ and avoid re-saving them")
    if not tips:
        tips.append("denoise from raw, or shoot at a lower ISO when the light allows")
    return findings, tips


def _composition(m: Mapping[str, Any], f: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    findings: list[str] = []
    tips: list[str] = []
    tilt, clutter = _num(m, "tilt_deg"), _num(m, "clutter")
    area, thirds = _num(m, "subject_area"), _num(m, "thirds_distance")
    position = f.get("subject_position")
    verdict = tilt_verdict(tilt, _num(m, "tilt_confidence") or 0.0)
    if tilt is not None and verdict == "tilted":
        findings.append(f"horizon/verticals tilted by {abs(tilt):.1f}°")
        tips.append("level it with the straighten tool, or turn on the camera's level")
    elif tilt is not None and verdict == "maybe":
        findings.append(f"lines may be tilted by {abs(tilt):.1f}° (weak evidence)")
        tips.append("check the horizon or a vertical edge; straighten only if one leans")
    if clutter is not None and clutter > 1.3:
        findings.append(f"the background is {clutter:.1f}× busier than the subject")
        tips.append("simplify: a cleaner background, a lower or higher angle, or a wider aperture")
    elif f.get("background") == "busy":
        findings.append("a busy background")
        tips.append("simplify the background: change angle or open the aperture")
    if area is not None and area < 0.03 and position not in (None, "unknown"):
        findings.append(f"the subject fills only {area:.1%} of the frame")
        tips.append("get closer or crop tighter so the subject reads at a glance")
    if position == "off_center" and thirds is not None:
        findings.append(
            f"the subject is neither centred nor on a third ({thirds:.0%} of the diagonal from "
            "a thirds point)"
        )
        tips.append("place it on a third, or centre it deliberately")
    if position == "unknown":
        findings.append("no clear subject")
        tips.append("give the frame one point of interest before pressing the shutter")
    if not tips:
        tips.append("check the edges of the frame and what the eye lands on first")
    return findings, tips


def _subject(
    m: Mapping[str, Any], f: Mapping[str, Any], md: PhotoMetadata | None
) -> tuple[list[str], list[str]]:
    findings: list[str] = []
    tips: list[str] = []
    saliency, eyes = _num(m, "saliency_ratio"), _num(m, "eyes_open_min")
    if saliency is not None and saliency < 2.5:
        findings.append(f"the subject stands out only {saliency:.1f}× above the rest")
        tips.append("separate it with light, colour contrast or a shallower depth of field")
    if eyes is not None and eyes < 0.35:
        findings.append("eyes look closed")
        tips.append("shoot a short burst and keep the frame with open eyes")
    if f.get("depth_of_field") == "deep" and f.get("background") in ("busy", "contextual"):
        fn = md.f_number if md else None
        at = f" (shot at f/{fn:g})" if fn else ""
        tips.append(f"open the aperture to f/2.8 or wider to blur the background{at}")
    if not tips:
        tips.append("get closer and give the subject more of the frame")
    return findings, tips


def _appeal(
    m: Mapping[str, Any], f: Mapping[str, Any], baseline: Baseline
) -> tuple[list[str], list[str]]:
    findings: list[str] = []
    tips: list[str] = []
    contrast, colour = _num(m, "contrast_rms"), _num(m, "colourfulness")
    usual = baseline.measurements.get("contrast_rms")
    if contrast is not None and contrast < 35:
        versus = f" vs your usual {usual:.0f}" if usual is not None else ""
        findings.append(f"flat contrast ({contrast:.0f} levels RMS{versus})")
        tips.append("add contrast in editing, or shoot in more directional light")
    if colour is not None and colour < 15 and f.get("color_palette") != "monochrome":
        findings.append(f"muted colour (colourfulness {colour:.0f})")
        tips.append("look for a colour accent, or commit to black and white")
    if f.get("lighting") == "natural_harsh" or f.get("time_of_day") == "midday":
        findings.append("harsh light")
        tips.append("try golden hour or open shade for softer, warmer light")
    if not tips:
        tips.append("look for better light and a colour palette that works together")
    return findings, tips


def _explain(
    attribute: str, result: AnalysisResult, md: PhotoMetadata | None, baseline: Baseline
) -> tuple[list[str], list[str]]:
    m, f = result.measurements, result.features
    if attribute == "sharpness":
        return _sharpness(m, f, md)
    if attribute == "exposure_balance":
        return _exposure(m, f, baseline)
    if attribute == "noise_level":
        return _noise(m, md, baseline)
    if attribute == "composition":
        return _composition(m, f)
    if attribute == "subject_strength":
        return _subject(m, f, md)
    return _appeal(m, f, baseline)


def advise(
    result: AnalysisResult,
    baseline: Baseline,
    *,
    metadata: PhotoMetadata | None = None,
    max_items: int = 3,
) -> IndividualAdvice:
    """Advice for one photo (its best analysis result) against the photographer's baseline."""
    candidates: list[tuple[float, str, AdviceItem]] = []
    above: list[str] = []
    personal = baseline.ready
    for name in ATTRIBUTES:
        value = result.attributes.get(name)
        if value is None or not math.isfinite(value):
            continue
        typical = baseline.attributes.get(name)
        display = DISPLAY_NAMES[name]
        spread: float | None
        deviation: float | None
        if personal and typical is not None and typical.median is not None:
            spread = typical.spread or MIN_SPREAD
            gap = typical.median - value
            deviation = -gap / spread
            if deviation >= 1.0 and -gap >= MIN_GAP:
                above.append(f"{display} {value:.2f} (usual {typical.median:.2f})")
            if deviation > -1.0 or gap < MIN_GAP:
                continue
            lead = f"{display} {value:.2f} vs your usual {typical.median:.2f}"
            basis: Literal["personal", "absolute"] = "personal"
        elif not personal:
            gap = ABSOLUTE_BAR - value
            if gap <= 0:
                continue
            spread = deviation = None
            lead = f"{display} {value:.2f} (below {ABSOLUTE_BAR:.2f} on the absolute scale)"
            basis = "absolute"
        else:
            continue  # the collection has a typical, but not for this attribute
        findings, tips = _explain(name, result, metadata, baseline)
        note = result.notes.get(name)
        what = "; ".join(findings) if findings else (note or "")
        steps = " / ".join(tips[:2])
        text = f"{lead}: {what} — {steps}" if what else f"{lead} — {steps}"
        item = AdviceItem(
            attribute=name,
            display_name=display,
            value=round(value, 4),
            typical=typical.median if basis == "personal" and typical else None,
            spread=None if spread is None else round(spread, 4),
            deviation=None if deviation is None else round(deviation, 2),
            gap=round(gap, 4),
            basis=basis,
            finding=note,
            advice=tips,
            text=text,
        )
        candidates.append((-gap, name, item))
    candidates.sort(key=lambda c: (c[0], ATTRIBUTES.index(c[1])))
    items = [c[2] for c in candidates[:max_items]]

    if personal:
        if items:
            names = ", ".join(f"{i.display_name} ({i.value:.2f} vs {i.typical:.2f})" for i in items)
            message = (
                f"Furthest below your usual level (the median of your {baseline.n} photos): "
                f"{names}."
            )
        else:
            message = (
                f"Every attribute is within your usual range (compared with your {baseline.n} "
                "photos)."
            )
    else:
        message = (
            f"Your collection has {baseline.n} scored photo{'s' if baseline.n != 1 else ''}; "
            f"at least {baseline.min_photos} are needed to know your typical level, so this "
            f"photo is compared with the absolute scale (below {ABSOLUTE_BAR:.2f}) instead."
        )
    critique = None
    if result.critique is not None:
        critique = CritiqueAdvice(
            summary=result.critique.summary,
            could_improve=list(result.critique.could_improve),
            key_recommendation=result.critique.key_recommendation,
        )
    return IndividualAdvice(
        image_id=result.image_id,
        analyzer=result.analyzer,
        based_on=baseline.n,
        basis="personal" if personal else "absolute",
        message=message,
        items=items,
        above_typical=above,
        critique=critique,
    )


def advice_for_image(
    cache: Cache,
    image_id: str,
    *,
    baseline: Baseline | None = None,
    max_items: int = 3,
) -> IndividualAdvice:
    """Advice for a cached photo (``show`` and the sidecar). Build ``baseline`` once with
    :func:`baseline_from_cache` when advising many photos."""
    results = cache.get_best_results([image_id])
    result = results.get(image_id)
    if result is None:
        raise NotFoundError(f"{image_id}: no analysis result in the cache")
    metadata = cache.get_metadata([image_id]).get(image_id)
    return advise(
        result,
        baseline if baseline is not None else baseline_from_cache(cache),
        metadata=metadata,
        max_items=max_items,
    )
