"""Categorical features in the vision model's enumerations (upstream feature prompt v2).

Same keys and values as the vision path so personality statistics can mix both;
anything the pixels cannot honestly tell is "unknown" (scene_type beyond portraits,
landscapes, buildings and foliage: see scene.py; motion beyond visible blur).
"""

from __future__ import annotations

import math
from typing import Any

from photo_score.inference.local.color import ColourReport
from photo_score.inference.local.composition import BUSY_BACKGROUND, CompositionReport
from photo_score.inference.local.exposure import ExposureReport
from photo_score.inference.local.faces import Face
from photo_score.inference.local.scene import SceneReport
from photo_score.inference.local.subject import Subject
from photo_score.inference.local.technical import SharpnessReport
from photo_score.models import PhotoMetadata


def _hour(meta: PhotoMetadata) -> int | None:
    t = meta.capture_time
    if not t or len(t) < 13 or t[10] not in "T ":
        return None
    try:
        return int(t[11:13])
    except ValueError:
        return None


def light_value(meta: PhotoMetadata) -> float | None:
    """How bright the scene was, from the exposure the camera used: log2(N²/t) at ISO 100
    (sunlit ≈ 15, overcast day ≈ 12–13, open shade ≈ 10–11, lit interiors ≈ 5–8, a street
    at night ≈ 2–5). None without shutter time and aperture; ISO 100 when it is missing."""
    t, n = meta.exposure_time, meta.f_number
    if not t or not n or t <= 0 or n <= 0:
        return None
    return math.log2(n * n / t) - math.log2((meta.iso or 100) / 100)


# From this light value the scene was lit by day, whatever the camera's clock says.
_DAYLIGHT_LV = 10.0
# Up to this one it was night-dark or a dim interior, however bright the rendering.
_LOW_LIGHT_LV = 3.0


def time_of_day(meta: PhotoMetadata, exposure: ExposureReport) -> str:
    """EXIF hour, checked against the light: a dark frame at noon is "unknown", and so is
    a "night" hour whose exposure says daylight (a camera clock never set, or left on
    another time zone: casio_qvr51_l01, a sunlit church at 23:39, light value 13.2)."""
    hour = _hour(meta)
    if hour is None:
        return "unknown"
    dark = exposure.p50 < 50
    if 5 <= hour < 7:
        name = "dawn"
    elif 7 <= hour < 11:
        name = "morning"
    elif 11 <= hour < 14:
        name = "midday"
    elif 14 <= hour < 17:
        name = "afternoon"
    elif 17 <= hour < 20:
        name = "dusk"  # the contract's word; "evening" (until 1.11) matched no vision label
    else:
        name = "night"
    if name in ("morning", "midday", "afternoon") and dark:
        return "unknown"  # indoors or heavily underexposed: the clock says day, pixels don't
    lv = light_value(meta)
    if name == "night" and lv is not None and lv >= _DAYLIGHT_LV:
        return "unknown"  # the clock says night, the exposure says day
    return name


def lighting(meta: PhotoMetadata, exposure: ExposureReport, colour: ColourReport, tod: str) -> str:
    iso = meta.iso or 0
    slow = (meta.exposure_time or 0.0) >= 1 / 15
    if exposure.p50 < 45 and (iso >= 1600 or slow):
        return "low_light"
    if tod in ("dusk", "dawn") and colour.warmth > 0.12:
        return "golden_hour"
    if tod in ("dusk", "dawn", "night") and colour.warmth < -0.05 and exposure.p50 < 110:
        return "blue_hour"
    lv = light_value(meta)
    if lv is not None and lv <= _LOW_LIGHT_LV:
        # A long exposure can render a dark scene bright (kde_coldripple: a jetty in fog
        # at night, 8 s at f/5.6, median 64% grey): the exposure says how dark it was.
        return "low_light"
    if exposure.clip_hi > 0.02 and colour.contrast > 60:
        return "natural_harsh"
    return "natural_soft" if colour.contrast < 55 else "natural_harsh"


def human_presence(faces: list[Face], subject: Subject) -> str:
    """none, crowd (4 faces or more), main_subject (a face is the subject) or secondary."""
    if not faces:
        return "none"
    if len(faces) >= 4:
        return "crowd"
    if subject.kind == "face" and subject.area >= 0.01:
        return "main_subject"
    return "secondary"


def build_features(
    meta: PhotoMetadata,
    faces: list[Face],
    subject: Subject,
    comp: CompositionReport,
    sharp: SharpnessReport,
    exposure: ExposureReport,
    colour: ColourReport,
    scene: SceneReport,
    issues: list[str],
) -> dict[str, Any]:
    if len(faces) >= 2 and faces[1].area >= 0.5 * faces[0].area:
        position = "multiple"
    elif subject.kind == "none":
        position = "unknown"
    elif comp.centre_distance < 0.08:
        position = "center"
    elif comp.thirds_distance < 0.09:
        position = "rule_of_thirds"
    else:
        position = "off_center"

    if sharp.separation is None or sharp.blur_type != "none":
        dof = "unknown"  # a blurred subject says nothing about depth of field
    elif sharp.separation >= 1.8:
        dof = "shallow"
    elif sharp.separation >= 1.25:
        dof = "medium"
    else:
        dof = "deep"

    if dof == "shallow":
        background = "blurred"
    elif comp.clutter > BUSY_BACKGROUND and comp.edge_density > 0.08:
        background = "busy"
    elif comp.edge_density < 0.03:
        background = "clean"
    else:
        background = "contextual"

    if colour.chroma_fraction < 0.05:
        palette = "monochrome"
    elif colour.colourfulness > 60:
        palette = "vibrant"
    elif colour.colourfulness < 20:
        palette = "muted"
    elif colour.warmth > 0.1:
        palette = "warm"
    elif colour.warmth < -0.05:
        palette = "cool"
    else:
        palette = "neutral"

    human = human_presence(faces, subject)
    tod = time_of_day(meta, exposure)
    return {
        "scene_type": scene.kind,
        "main_subject": "person" if human == "main_subject" else "unknown",
        "subject_position": position,
        "background": background,
        "lighting": lighting(meta, exposure, colour, tod),
        "color_palette": palette,
        "depth_of_field": dof,
        "motion": "blur" if sharp.blur_type == "motion" else "unknown",
        "human_presence": human,
        "time_of_day": tod,
        "technical_issues": issues or ["none"],
        # Local-only detail (not in the vision contract):
        "blur_type": sharp.blur_type,
        "exposure_key": exposure.key,
        "faces": [
            {
                "box": [f.x, f.y, f.w, f.h],
                "kind": f.kind,
                "eyes_open": None if f.eyes_open is None else round(f.eyes_open, 3),
            }
            for f in faces
        ],
    }


def unmeasured_features() -> dict[str, Any]:
    """The features of a frame too small to measure: only what is known, that nothing is.

    Categorical keys with an "unknown" level say so; the rest (people, issues, lighting,
    palette, background) are left out rather than answered: "none" would tell the
    personality statistics that an icon is a clean photo with nobody in it.
    """
    return {
        "scene_type": "unknown",
        "main_subject": "unknown",
        "subject_position": "unknown",
        "depth_of_field": "unknown",
        "motion": "unknown",
        "time_of_day": "unknown",
        "faces": [],
    }
