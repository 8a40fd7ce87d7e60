"""The three aesthetic attributes as explicit, documented heuristics.

These are estimates of taste from geometry and statistics, not a learned aesthetic
model (none runs offline here). Each is a weighted blend of sub-scores; the raw blend
is then stretched through a spread curve so that an unremarkable photo lands near 0.45
instead of everything sitting at 0.6–0.7.
"""

from __future__ import annotations

from dataclasses import dataclass

from photo_score.inference.local.calibration import blend, curve, ramp
from photo_score.inference.local.color import ColourReport
from photo_score.inference.local.composition import CompositionReport
from photo_score.inference.local.exposure import ExposureReport
from photo_score.inference.local.faces import Face
from photo_score.inference.local.subject import Subject
from photo_score.inference.local.technical import SharpnessReport

_PERSON_PER_FACE = 6.0  # person area ÷ face-box area, a head-and-shoulders framing

# Strictly increasing to the end (1.0 → 1.0): a flat top made every raw value above 0.9
# read 0.92, so a tilt or any other loss on an already strong photo did not register.
_SPREAD_X = [0.2, 0.45, 0.6, 0.75, 0.9, 1.0]
_SPREAD_Y = [0.05, 0.3, 0.5, 0.72, 0.92, 1.0]


@dataclass(frozen=True, slots=True)
class AestheticScores:
    composition: float
    subject_strength: float
    visual_appeal: float
    parts: dict[str, float]


def tilt_score(tilt: float, confidence: float) -> float:
    """Level score: falls with |tilt| (1.5° is clearly visible), pulled towards neutral
    1.0 by low confidence (no level structure to judge by), continuously."""
    level = curve(abs(tilt), [0.3, 1.0, 1.5, 3.0, 6.0, 10.0], [1.0, 0.85, 0.7, 0.45, 0.2, 0.05])
    return 1.0 - confidence * (1.0 - level)


def score_aesthetics(
    comp: CompositionReport,
    subject: Subject,
    faces: list[Face],
    sharp: SharpnessReport,
    colour: ColourReport,
    exposure: ExposureReport,
    noise_score: float = 1.0,
) -> AestheticScores:
    placement = max(
        curve(comp.thirds_distance, [0.03, 0.08, 0.15, 0.25], [1.0, 0.85, 0.55, 0.3]),
        curve(comp.centre_distance, [0.03, 0.08, 0.15], [0.9, 0.7, 0.4]),
    )
    if subject.kind == "none":
        placement = 0.4
    tilt = tilt_score(comp.tilt_raw, comp.tilt_confidence)
    # A face box is a fraction of the person it belongs to (about a sixth of a head-and-
    # shoulders frame, far less of a full figure): judged as it stood, a full-length shot
    # read as a tiny subject, and messi5 jumped from size 0.40 to 1.0 whenever Haar lost
    # its small face and the salient extent (the player) took over. The scaled area stops
    # where the curve is at its best, so a close-up is judged on its own face box.
    area = comp.subject_area
    if subject.kind == "face":
        area = max(area, min(_PERSON_PER_FACE * area, 0.6))
    size = curve(area, [0.002, 0.01, 0.04, 0.1, 0.6, 0.9], [0.2, 0.45, 0.8, 1.0, 1.0, 0.75])
    per_edge = 0.4 if subject.kind == "face" else 0.2
    cut = max(0.0, 1.0 - per_edge * comp.cut_soft)
    clutter = curve(comp.clutter, [0.8, 1.0, 1.3, 1.8], [1.0, 0.8, 0.5, 0.3])
    comp_raw = blend([(placement, 0.3), (tilt, 0.25), (size, 0.15), (cut, 0.15), (clutter, 0.15)])
    # A blurred frame cannot be well composed in any sense a viewer notices.
    comp_raw *= 0.75 + 0.25 * sharp.score

    sal = curve(subject.saliency_ratio, [2.0, 4.0, 8.0, 16.0], [0.1, 0.4, 0.7, 0.95])
    dof = (
        0.5
        if sharp.separation is None
        else curve(sharp.separation, [0.9, 1.3, 2.0, 3.5], [0.3, 0.5, 0.8, 0.95])
    )
    # Focus isolates a subject only if the subject is in focus. Blur the whole frame and
    # its low-contrast background loses its last fine steps before the subject's strong
    # edges do, so the ratio of the two rises (storm at σ = 1.5 px: 1.4 → 11.8) and a
    # blurred copy gained subject strength. The term fades to its floor as sharpness does.
    dof = 0.3 + (dof - 0.3) * ramp(sharp.score, 0.3, 0.6)
    face = 0.35
    if faces:
        open_eyes = [f.eyes_open for f in faces if f.eyes_open is not None]
        eyes = min(open_eyes) if open_eyes else 0.7
        face = 0.6 + 0.35 * eyes
    subj_raw = blend([(sal, 0.3), (dof, 0.2), (face, 0.2), (sharp.score, 0.3)])

    if colour.chroma_fraction < 0.05:  # black and white: judge tone, not colour
        colourful = 0.55
    else:
        colourful = curve(
            colour.colourfulness_mid, [5, 15, 35, 60, 90], [0.2, 0.35, 0.6, 0.85, 0.95]
        )
    harmony = curve(colour.harmony, [0.4, 0.7, 0.9], [0.3, 0.7, 0.95])
    # At mid-grey, not as read: exposure is judged once, by its own term below.
    contrast = curve(colour.contrast_mid, [10, 25, 45, 65, 90], [0.1, 0.4, 0.85, 1.0, 0.85])
    appeal_raw = blend([(colourful, 0.25), (harmony, 0.2), (contrast, 0.3), (exposure.score, 0.25)])
    # Technical defects are unappealing too: a blurred, grainy, blocky or blown-out copy
    # must not win on appeal because brightening or smoothing lifted contrast or colour.
    # Weighted geometric mean of the three technical scores, floored so a defect costs
    # at most half the appeal.
    tech = (
        max(sharp.score, 0.01) ** 0.35
        * max(noise_score, 0.01) ** 0.25
        * max(exposure.score, 0.01) ** 0.4
    )
    appeal_raw *= 0.5 + 0.5 * tech

    parts = {
        "placement": placement,
        "tilt": tilt,
        "subject_size": size,
        "cropping": cut,
        "clutter": clutter,
        "saliency_separation": sal,
        "depth_separation": dof,
        "faces": face,
        "colourfulness": colourful,
        "harmony": harmony,
        "contrast": contrast,
        "technical_appeal": tech,
    }
    return AestheticScores(
        curve(comp_raw, _SPREAD_X, _SPREAD_Y),
        curve(subj_raw, _SPREAD_X, _SPREAD_Y),
        curve(appeal_raw, _SPREAD_X, _SPREAD_Y),
        parts,
    )
