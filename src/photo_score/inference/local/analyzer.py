"""LocalAnalyzer: all six attributes, features and notes from pixels and EXIF alone.

Stack: OpenCV (contrib, headless) + numpy only. No weights are downloaded; the Haar
cascades ship inside the OpenCV wheel. Every result is a *local estimate*: the notes say
so, carry the measured figures behind each score, and ``confidence`` says how far the
heuristics can be trusted on this frame (low for tiny, blank or synthetic images).

Thread safety: the analyzer holds no mutable state; OpenCV objects that are not
documented as re-entrant (cascades, saliency) are created per thread.
"""

from __future__ import annotations

from photo_score.inference.base import Analyzer
from photo_score.inference.local.aesthetic import score_aesthetics
from photo_score.inference.local.color import measure_colour
from photo_score.inference.local.composition import measure_composition
from photo_score.inference.local.exposure import measure_exposure
from photo_score.inference.local.faces import detect_faces
from photo_score.inference.local.features import (
    build_features,
    human_presence,
    unmeasured_features,
)
from photo_score.inference.local.frame import SMALL_EDGE, make_frame
from photo_score.inference.local.judge import judge
from photo_score.inference.local.noise import measure_noise
from photo_score.inference.local.notes import Findings, write_notes
from photo_score.inference.local.scene import measure_scene
from photo_score.inference.local.subject import find_subject
from photo_score.inference.local.technical import measure_sharpness
from photo_score.ingest.prepared import PreparedPhoto
from photo_score.models import ATTRIBUTES, AnalysisResult

VERSION = "local-heuristic-1.17"
BASE_CONFIDENCE = 0.6  # heuristics, not a model: never claim more than this
# Below this many pixels on a side nothing can be measured: the noise estimate works on
# 8×8 blocks (two per side at least), the sharpness map on a 12-tile grid.
MEASURABLE_EDGE = 16
_MIN_SMALL_EDGE = 8  # ... and the detector frame (long edge SMALL_EDGE) needs this much


def _unmeasurable(width: int, height: int) -> bool:
    """Too small, or so narrow that the detector frame collapses to a line or two."""
    short, long = min(width, height), max(width, height)
    return short < MEASURABLE_EDGE or short * min(1.0, SMALL_EDGE / long) < _MIN_SMALL_EDGE


class LocalAnalyzer(Analyzer):
    """Offline heuristic analyzer; see docs/local-analyzer.md for every rule."""

    name = "local"
    model = "heuristic"
    version = VERSION

    def __init__(self, *, detect_faces: bool = True) -> None:
        self._faces = detect_faces

    def analyze(self, photo: PreparedPhoto) -> AnalysisResult:
        height, width = photo.preview.shape[:2]
        if _unmeasurable(width, height):
            return self._not_measured(photo, width, height)
        frame = make_frame(photo.preview, photo.reduced(SMALL_EDGE))
        noise = measure_noise(frame)
        verdict = judge(frame, noise.sigma, noise.blockiness)
        exposure = measure_exposure(frame)
        faces = detect_faces(frame) if self._faces and min(frame.width, frame.height) >= 64 else []
        subject = find_subject(frame, faces)
        sharp = measure_sharpness(frame, noise, subject)
        comp = measure_composition(frame, subject)
        colour = measure_colour(frame)
        aest = score_aesthetics(comp, subject, faces, sharp, colour, exposure, noise.score)
        attributes = {
            "composition": aest.composition,
            "subject_strength": aest.subject_strength,
            "visual_appeal": aest.visual_appeal,
            "sharpness": sharp.score,
            "exposure_balance": exposure.score,
            "noise_level": noise.score,
        }
        findings = Findings(
            photo.metadata,
            frame.width,
            frame.height,
            noise,
            exposure,
            sharp,
            subject,
            faces,
            comp,
            colour,
            aest,
            verdict,
        )
        notes, issues, confidence, measurements = write_notes(findings, BASE_CONFIDENCE)
        face_subject = human_presence(faces, subject) == "main_subject"
        scene = measure_scene(frame, comp, face_subject, judgeable=not verdict.reasons)
        measurements |= {
            "sky_top": round(scene.sky_top, 4),
            "sky_bottom": round(scene.sky_bottom, 4),
            "foliage": round(scene.foliage, 4),
            "level_lines": round(comp.level_lines, 4),
            "plumb_lines": round(comp.plumb_lines, 4),
        }
        features = build_features(
            photo.metadata, faces, subject, comp, sharp, exposure, colour, scene, issues
        )
        return AnalysisResult(
            image_id=photo.image_id,
            analyzer=self.name,
            model=self.model,
            version=self.version,
            attributes={k: round(float(v), 4) for k, v in attributes.items()},
            features=features,
            measurements=measurements,
            notes=notes,
            confidence=round(confidence, 3),
        )

    def _not_measured(self, photo: PreparedPhoto, width: int, height: int) -> AnalysisResult:
        """A frame too small to measure anything on (an icon, a sliver): every attribute is
        0 and every note says why, so it ranks last and nobody reads the 0 as a verdict on
        its sharpness or its composition. Until 1.6 these frames crashed the analyzer."""
        reason = (
            f"the image is {width}×{height} px, too small or too narrow to judge (each side "
            f"needs {MEASURABLE_EDGE} px, and {_MIN_SMALL_EDGE} px on the {SMALL_EDGE} px "
            "detector frame)"
        )
        notes = dict.fromkeys(
            ATTRIBUTES, f"not measured: {width}×{height} px is too small or too narrow"
        )
        notes["provenance"] = "local estimate: nothing could be measured (confidence 0.00)"
        notes["confidence"] = f"low confidence: {reason}"
        return AnalysisResult(
            image_id=photo.image_id,
            analyzer=self.name,
            model=self.model,
            version=self.version,
            attributes=dict.fromkeys(ATTRIBUTES, 0.0),
            features=unmeasured_features(),
            measurements={"width_px": float(width), "height_px": float(height)},
            notes=notes,
            confidence=0.0,
        )
