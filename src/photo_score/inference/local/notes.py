"""Plain-words notes, technical issues, confidence and the measurement record.

Every sentence quotes a measured figure ("highlights clipped on 7% of the frame"), so a
photographer can check it and an explanation can quote it.
"""

from __future__ import annotations

from dataclasses import dataclass

from photo_score.inference.local.aesthetic import AestheticScores
from photo_score.inference.local.color import ColourReport
from photo_score.inference.local.composition import (
    BUSY_BACKGROUND,
    CompositionReport,
    tilt_verdict,
)
from photo_score.inference.local.exposure import ExposurePart, ExposureReport
from photo_score.inference.local.faces import Face
from photo_score.inference.local.judge import Judgeability
from photo_score.inference.local.noise import VISIBLE_BLOCKINESS, NoiseReport
from photo_score.inference.local.subject import Subject
from photo_score.inference.local.technical import SharpnessReport
from photo_score.models import PhotoMetadata


@dataclass(frozen=True, slots=True)
class Findings:
    meta: PhotoMetadata
    width: int
    height: int
    noise: NoiseReport
    exposure: ExposureReport
    sharp: SharpnessReport
    subject: Subject
    faces: list[Face]
    comp: CompositionReport
    colour: ColourReport
    aest: AestheticScores
    verdict: Judgeability


def _and_list(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _pct(x: float) -> str:
    if x < 0.001:
        return "none"
    return f"{x:.1%}" if x < 0.1 else f"{x:.0%}"


def _where(subject: Subject) -> str:
    return {"face": "on the face", "salient": "on the subject", "none": "across the frame"}[
        subject.kind
    ]


def _sharpness_note(f: Findings) -> str:
    s = f.sharp
    parts = [
        f"detail {_where(f.subject)} keeps {s.subject_ratio:.0%} of its fine contrast "
        "under a re-blur test"
    ]
    if s.blur_type == "motion" and s.blur_index is not None and s.blur_angle is not None:
        parts.append(
            f"motion blur: detail is smeared along {s.blur_angle:.0f}° "
            f"(directional dip {s.blur_index:.2f})"
        )
    elif s.blur_type == "defocus":
        parts.append("soft in every direction alike: missed focus or defocus rather than motion")
    elif s.streak_cap is not None:
        parts.append(
            f"but it is smeared along {s.motion_angle:.0f}° (camera or subject movement): "
            f"that direction keeps only {s.min_direction_ratio:.0%}, which limits sharpness "
            f"to {s.streak_cap:.2f}"
        )
    if s.separation is not None and s.separation >= 1.3 and s.blur_type == "none":
        parts.append(f"the subject is {s.separation:.1f}× sharper than the background")
    if f.subject.kind == "face" and s.best_ratio - s.subject_ratio > 0.15:
        parts.append("focus landed behind or in front of the face: the background is sharper")
    if s.block_cap is not None:
        parts.append(
            f"JPEG compression has flattened fine detail into 8×8 blocks "
            f"(blockiness {f.noise.blockiness:.2f}), which limits sharpness to {s.block_cap:.2f}"
        )
    return "; ".join(parts)


def _exposure_note(e: ExposureReport) -> str:
    """Each sentence fires on its own threshold, or (1.10) when its part is the one that
    holds a score under 0.85 down: the score is min-weighted, and the hazy aerial scored
    0.65 on "median 50%, 1.2% channel clipped" before its weak highlight texture was said."""
    pale = e.pale >= 0.5
    limit = e.limit if e.score < 0.85 and not pale else None
    parts = [f"median brightness {e.p50 / 255:.0%}"]
    if limit is ExposurePart.MID_TONES:
        parts.append("the mid-tones sit " + ("dark" if e.p50 < 128 else "bright"))
    if e.clip_hi >= 0.003:
        parts.append(f"highlights clipped on {_pct(e.clip_hi)} of the frame")
    if e.clip_any >= 0.01 and (e.clip_hi < 0.003 or limit is ExposurePart.CHANNEL):
        parts.append(f"a colour channel is clipped on {_pct(e.clip_any)} of the frame")
    if e.clip_lo >= 0.01:
        parts.append(f"shadows crushed to black on {_pct(e.clip_lo)}")
    if e.p99 < 170:
        parts.append(f"the brightest tones only reach {e.p99 / 255:.0%}, a sign of underexposure")
    elif limit is ExposurePart.REACH:
        parts.append(f"the brightest tones stop at {e.p99 / 255:.0%}, short of white")
    if limit is ExposurePart.TEXTURE:
        parts.append(
            f"the brightest tones keep little texture ({e.highlight_detail:.0%} of the "
            "mid-tones'): highlights close to blown"
        )
    if limit is ExposurePart.HEADROOM:
        parts.append(f"{_pct(e.near_white)} of the frame crowds just below white")
    if limit is ExposurePart.FOOTROOM:
        parts.append(f"{_pct(e.near_black)} of the frame crowds just above black")
    if pale:
        parts.append(
            f"a pale scene (nothing darker than {e.p1 / 255:.0%}) placed bright and short of "
            "white: read as high-key by intent"
        )
    elif e.p1 > 120:
        parts.append(f"nothing darker than {e.p1 / 255:.0%}: washed out")
    elif limit is ExposurePart.DARKEST:
        parts.append(f"nothing darker than {e.p1 / 255:.0%}: the blacks are grey")
    if e.key != "normal" and not pale:
        parts.append(f"read as {e.key} by intent (tonal range still intact)")
    return "; ".join(parts)


def _noise_note(f: Findings) -> str:
    n = f.noise
    iso = f.meta.iso
    ctx = f" at ISO {iso}" if iso else ""
    parts = [f"grain of {n.sigma:.1f} levels (std) in flat areas of the preview{ctx}"]
    if n.sigma < 1.5 and iso and iso >= 1600:
        parts.append("clean for that ISO")
    if n.blockiness > VISIBLE_BLOCKINESS:
        parts.append(
            f"JPEG block artefacts: the 8×8 grid steps carry {n.blockiness:.0%} more energy "
            "than the rest of the detail"
        )
    return "; ".join(parts)


def _composition_note(f: Findings) -> str:
    c = f.comp
    parts: list[str] = []
    if f.subject.kind == "none":
        parts.append("no clear subject to place")
    elif c.centre_distance < 0.08:
        parts.append("subject centred")
    elif c.thirds_distance < 0.09:
        parts.append("subject on a rule-of-thirds point")
    else:
        parts.append(
            f"subject off the thirds and centre ({c.thirds_distance:.0%} of the diagonal "
            "from a thirds point)"
        )
    verdict = tilt_verdict(c.tilt_deg, c.tilt_confidence)
    if verdict == "tilted":
        parts.append(f"horizon/verticals tilted by {abs(c.tilt_raw):.1f}°")
    elif verdict == "maybe":
        parts.append(
            f"lines may be tilted by {abs(c.tilt_raw):.1f}° (weak evidence: little structure "
            "that should be level)"
        )
    elif verdict == "level":
        parts.append("lines are level")
    if c.cut_edges:
        parts.append(f"subject touches {c.cut_edges} frame edge{'s' if c.cut_edges > 1 else ''}")
    elif c.cut_soft >= 0.3:  # scored softly from 4% of the frame in: say so before it touches
        parts.append(
            f"subject crowds the frame edge{'s' if c.cut_soft > 1.0 else ''} "
            "(within 4% of the border)"
        )
    parts.append(f"subject fills {_pct(c.subject_area)} of the frame")
    if c.clutter > BUSY_BACKGROUND:
        parts.append(f"background is {c.clutter:.1f}× busier than the subject")
    if f.sharp.score < 0.6:  # composition × (0.75 + 0.25·sharpness), see aesthetic.py
        parts.append(f"blur weakens it (sharpness {f.sharp.score:.2f})")
    return "; ".join(parts)


def _subject_note(f: Findings) -> str:
    """What the subject score rests on: saliency, isolation by focus, faces, and (1.10)
    which of its parts hold it back, so a subject that "stands out 12×" and still scores
    0.36 says why (a soft subject, a background as sharp as it)."""
    p, sep = f.aest.parts, f.sharp.separation
    parts = [f"subject stands out {f.subject.saliency_ratio:.1f}× above the rest in saliency"]
    if sep is not None and p["depth_separation"] >= 0.6:
        parts.append(f"isolated by focus: {sep:.1f}× sharper than the background")
    if f.faces:
        n = len(f.faces)
        parts.append(f"{n} face{'s' if n > 1 else ''} found")
        open_eyes = [x.eyes_open for x in f.faces if x.eyes_open is not None]
        if open_eyes and min(open_eyes) < 0.35:
            parts.append("eyes look closed on at least one face")
    weak: list[str] = []
    if p["saliency_separation"] < 0.4:
        weak.append("a weak saliency lead")
    if f.sharp.score < 0.5:
        weak.append(f"a soft subject (sharpness {f.sharp.score:.2f})")
    elif sep is not None and p["depth_separation"] < 0.5:
        how = "as sharp as" if sep < 1.15 else "nearly as sharp as"
        weak.append(f"a background {how} the subject (ratio {sep:.1f})")
    if weak:
        parts.append(f"held back by {_and_list(weak)}")
    return "; ".join(parts)


def _appeal_note(f: Findings) -> str:
    c = f.colour
    if c.chroma_fraction < 0.05:
        tone = "black and white or nearly colourless"
    else:
        tone = (
            f"colourfulness {c.colourfulness:.0f} "
            "(Hasler–Süsstrunk; 33 moderate, 59 quite colourful)"
        )
    note = f"{tone}; colour harmony {c.harmony:.0%}; contrast {c.contrast:.0f} levels RMS"
    if abs(c.level - 1.0) > 0.1:  # what the score used: brightness is exposure's to judge
        colour_part = (
            "" if c.chroma_fraction < 0.05 else f"colourfulness {c.colourfulness_mid:.0f}, "
        )
        note += f"; at mid-grey brightness: {colour_part}contrast {c.contrast_mid:.0f}"
    # Appeal is scaled by 0.5 + 0.5·(technical blend) (aesthetic.py): say so where it bites.
    scale = 0.5 + 0.5 * f.aest.parts["technical_appeal"]
    if scale < 0.9:
        flaws = [
            name
            for name, value in (
                ("blur", f.sharp.score),
                (
                    "JPEG blocks" if f.noise.blockiness > VISIBLE_BLOCKINESS else "grain",
                    f.noise.score,
                ),
                ("poor exposure", f.exposure.score),
            )
            if value < 0.6
        ]
        if flaws:
            note += f"; dulled by {_and_list(flaws)} (appeal × {scale:.2f})"
    return note


def _issues(f: Findings) -> list[str]:
    issues: list[str] = []
    if f.sharp.score < 0.45:
        issues.append("blur")
    if f.noise.score < 0.5:
        issues.append("noise")
    e = f.exposure
    if e.clip_hi > 0.05 or (e.p50 > 200 and e.key == "normal"):
        issues.append("overexposed")
    if (e.p99 < 150 or e.p50 < 40) and e.key == "normal":
        issues.append("underexposed")
    c = f.comp
    if tilt_verdict(c.tilt_deg, c.tilt_confidence) == "tilted" and abs(c.tilt_raw) >= 1.5:
        issues.append("tilted")
    return issues


def write_notes(
    f: Findings, base: float
) -> tuple[dict[str, str], list[str], float, dict[str, float]]:
    """Notes per attribute, technical issues, overall confidence, measurement record."""
    v = f.verdict
    confidence = min(base, v.confidence_cap)
    per_attr = {
        "sharpness": base if f.sharp.subject_ratio > 0 else 0.3,
        "exposure_balance": base + 0.1,
        "noise_level": base,
        "composition": base - 0.15 if f.subject.kind != "none" else base - 0.3,
        "subject_strength": base - 0.15,
        "visual_appeal": base - 0.2,
    }
    notes = {
        "sharpness": _sharpness_note(f),
        "exposure_balance": _exposure_note(f.exposure),
        "noise_level": _noise_note(f),
        "composition": _composition_note(f),
        "subject_strength": _subject_note(f),
        "visual_appeal": _appeal_note(f),
        "provenance": (
            "local estimate: OpenCV/numpy heuristics on the preview and EXIF, no model "
            f"(confidence {confidence:.2f})"
        ),
    }
    if v.reasons:
        notes["confidence"] = "low confidence: " + "; ".join(v.reasons)
    s, e, n, c = f.sharp, f.exposure, f.noise, f.comp
    m: dict[str, float] = {
        "sharp_subject_ratio": s.subject_ratio,
        "sharp_best_ratio": s.best_ratio,
        "sharp_min_direction_ratio": s.min_direction_ratio,
        "motion_index": s.motion_index,
        "clip_highlights": e.clip_hi,
        "clip_shadows": e.clip_lo,
        "luma_p1": e.p1,
        "luma_p50": e.p50,
        "luma_p99": e.p99,
        "noise_sigma": n.sigma,
        "jpeg_blockiness": n.blockiness,
        "subject_cx": f.subject.cx,
        "subject_cy": f.subject.cy,
        "subject_area": c.subject_area,
        "saliency_ratio": f.subject.saliency_ratio,
        "thirds_distance": c.thirds_distance,
        "centre_distance": c.centre_distance,
        "clutter": c.clutter,
        "colourfulness": f.colour.colourfulness,
        "harmony": f.colour.harmony,
        "contrast_rms": f.colour.contrast,
        "face_count": float(len(f.faces)),
        "flat_fraction": v.flat_fraction,
    }
    if s.background_ratio is not None:
        m["sharp_background_ratio"] = s.background_ratio
    if s.separation is not None:
        m["subject_background_sharpness"] = s.separation
    if s.blur_index is not None:
        m["blur_motion_index"] = s.blur_index
    if c.tilt_deg is not None:
        m["tilt_deg"] = c.tilt_deg
    m["tilt_confidence"] = c.tilt_confidence
    m2, m4 = c.orientation
    m["orientation_2c"], m["orientation_2s"] = m2.real, m2.imag
    m["orientation_4c"], m["orientation_4s"] = m4.real, m4.imag
    for part, word in enumerate(c.layout):  # 32-bit words: exact as floats
        m[f"layout_{part}"] = float(word)
    m["clip_any_channel"] = f.exposure.clip_any
    m["highlight_detail"] = f.exposure.highlight_detail
    if f.faces:
        eyes = [x.eyes_open for x in f.faces if x.eyes_open is not None]
        if eyes:
            m["eyes_open_min"] = min(eyes)
    for k, val in per_attr.items():
        m[f"confidence_{k}"] = min(val, v.confidence_cap)
    m = {k: round(float(val), 4) for k, val in m.items()}
    return notes, _issues(f), confidence, m
