"""Accuracy and speed of the local analyzer on real photographs (issue 3).

Real camera photos come from public package archives via scripts/fetch_photos.py. Each is
decoded to a 1024 px preview (what the analyzer sees), then degraded at three severities:

    gaussian  σ = 1.5, 3, 5 px          → sharpness
    motion    7, 15, 31 px streak        → sharpness
    noise     σ = 6, 12, 24 levels       → noise_level
    under     −1, −2, −3 EV              → exposure_balance
    over      +0.75, +1.5, +2.25 EV      → exposure_balance
    jpeg      quality 25, 12, 5          → noise_level (artefacts)
    tilt      2°, 4°, 8° (one crop for all) → composition; reference = same crop, level

For each degradation it reports the share of (photo, severity) pairs where the matching
attribute and the final score rank the degraded copy strictly below the original, and the
share of photos where both fall monotonically with severity. Bursts: one clean frame among
four degraded near-copies, all five jittered by whole pixels and cut from the same crop
(see tilt); the share of bursts whose clean frame ranks first, as the product picks a
burst's keeper (photo_score.scoring.bursts: exposure and appeal read against the burst)
and, for comparison, by the final score alone. Tilt pairs and bursts are
also split by whether the photo shows something a viewer expects level (labelled by eye
in LEVEL_BY_EYE): a turned leaf is not a worse photograph.
What the burst rules read off each copy: how often it is taken for the same scene as its
reference (the turn reading's match, the layout check's bits), the turn it reads, and,
for six frames cut by a window sliding across each photo (a pan), whether the layout
check keeps them together and how often a frame reads as turned.
Shift stability: how far the final score moves under ±3 px shifts alone (whole-pixel, as
between burst frames, and sub-pixel). Turn stability: how far composition moves under
1° and 2° turns of the photos with nothing level in view, where a turn is invisible.

Final score: photo_score.scoring.score_one with default_config().

    uv run python bench/bench_local_accuracy.py [--photos DIR | --holdout] [--bursts-per-photo N]

``--holdout`` runs it on a second set of package photos that no version of the analyzer
was tuned on (scripts/fetch_photos.py --holdout), to check that the figures generalise.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from photo_score.inference.local import LocalAnalyzer
from photo_score.ingest.prepared import PreparedPhoto
from photo_score.models import AnalysisResult, PhotoMetadata
from photo_score.scoring import ScoringConfig, default_config, score_one, to_matrix
from photo_score.scoring.bursts import (
    LAYOUT,
    MIN_MATCH,
    READINGS,
    SAME_SCENE_BITS,
    frame_strays,
    layout_distance,
    orientation_moments_of,
    relative_turns,
    score_bursts,
    split_unlike,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.factories.real import holdout_photo_folder, real_photo_folder  # noqa: E402

Img = npt.NDArray[np.uint8]


def _prepare(path: Path) -> PreparedPhoto:
    from photo_score.ingest.decode import prepare_photo

    return prepare_photo(str(path), path.name, preview_size=1024)


def _final_scorer() -> tuple[str, Callable[[Mapping[str, float]], float]]:
    cfg = default_config()
    return "scoring.score_one(default_config())", lambda a: float(score_one(a, cfg).final_score)


# ---------------------------------------------------------------- degradations


def gaussian(a: Img, s: float, rng: np.random.Generator) -> Img:
    return np.asarray(cv2.GaussianBlur(a, (0, 0), s), np.uint8)


def motion(a: Img, length: float, rng: np.random.Generator) -> Img:
    n = int(length)
    line = np.zeros((n, n), np.float32)
    line[n // 2, :] = 1.0
    angle = float(rng.uniform(0, 180))
    rot = cv2.getRotationMatrix2D(((n - 1) / 2, (n - 1) / 2), angle, 1.0)
    k = np.asarray(cv2.warpAffine(line, rot, (n, n)), np.float32)
    return np.asarray(cv2.filter2D(a, -1, k / k.sum(), borderType=cv2.BORDER_REFLECT), np.uint8)


def noise(a: Img, s: float, rng: np.random.Generator) -> Img:
    return np.clip(a + rng.normal(0.0, s, a.shape), 0, 255).astype(np.uint8)


def exposure(a: Img, ev: float, rng: np.random.Generator) -> Img:
    lin = (a.astype(np.float32) / 255.0) ** 2.2 * (2.0**ev)
    curve: npt.NDArray[np.float32] = np.clip(lin, 0.0, 1.0) ** (1 / 2.2)
    return (curve * 255.0 + 0.5).astype(np.uint8)


def jpeg(a: Img, q: float, rng: np.random.Generator) -> Img:
    ok, buf = cv2.imencode(
        ".jpg", np.ascontiguousarray(a[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, int(q)]
    )
    assert ok
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    assert decoded is not None
    return np.ascontiguousarray(np.asarray(decoded, np.uint8)[..., ::-1])


TILT_FOV_DEG = 8.0  # every tilt variant and its reference share the crop of the worst tilt


def tilt(a: Img, deg: float, rng: np.random.Generator) -> Img:
    """Rotate about the centre, zoomed so that even an 8° turn shows no empty corner.

    The zoom is the same for every severity (and for the reference, the unrotated
    crop, see REFERENCES), so a pair differs only by the rotation. Zooming each severity
    just enough for itself would also change framing, subject size and placement, which
    is a different edit than a tilt.
    """
    h, w = a.shape[:2]
    t = np.radians(TILT_FOV_DEG)
    zoom = max(
        (w * np.cos(t) + h * np.sin(t)) / w,
        (w * np.sin(t) + h * np.cos(t)) / h,
    )
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), deg, zoom)
    out = cv2.warpAffine(a, rot, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return np.asarray(out, np.uint8)


def shift(a: Img, dx: float, dy: float) -> Img:
    h, w = a.shape[:2]
    m = np.array([[1, 0, dx], [0, 1, dy]], np.float32)
    out = cv2.warpAffine(a, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return np.asarray(out, np.uint8)


DEGRADATIONS: dict[
    str, tuple[Callable[[Img, float, np.random.Generator], Img], tuple[float, ...], str]
] = {
    "gaussian": (gaussian, (1.5, 3.0, 5.0), "sharpness"),
    "motion": (motion, (7, 15, 31), "sharpness"),
    "noise": (noise, (6.0, 12.0, 24.0), "noise_level"),
    "under": (exposure, (-1.0, -2.0, -3.0), "exposure_balance"),
    "over": (exposure, (0.75, 1.5, 2.25), "exposure_balance"),
    "jpeg": (jpeg, (25, 12, 5), "noise_level"),
    "tilt": (tilt, (2.0, 4.0, 8.0), "composition"),
}


# Which photos show something a viewer expects to be level or plumb, judged by eye (not
# by the analyzer, whose own tilt confidence misses some: a building shot upward, a soft
# sea horizon behind grass). A turn of 2–8° is visible only against such a line; a turned
# leaf or flower is not a worse photograph. Photos of either set not named here (a
# --photos folder of your own) fall back to the analyzer's tilt confidence ≥ 0.25.
LEVEL_BY_EYE: dict[str, str] = {
    "canon_400d_storm.jpg": "horizon and road",
    "canon_rebel_dune.jpg": "sea horizon behind the grass",
    "canon_sx210_defocus.jpg": "lines of text",
    "canon_sx210_motion.jpg": "lines of text",
    "casio_qvr51_l01.jpg": "church façade",
    "casio_qvr51_l02.jpg": "church façade, cars",
    "casio_qvr51_large.jpg": "street façades",
    "fuji_s7000_motion.jpg": "car's bumper and number plate",
    "hopper.jpg": "formal portrait, upright",
    "iphone13pro_pug.heic": "corner of the wall",
    "iphone6_leuven_a.jpg": "houses",
    "iphone6_leuven_b.jpg": "houses",
    "messi5.jpg": "pitch and advertising boards",
    "nokia_n70.jpg": "wall and its edge",
    "olympus_c2000z_board.jpg": "board square to the frame",
    "opencv_aero3.jpg": "horizon",
    "opencv_building.jpg": "building",
    "opencv_home.jpg": "building, shot upward",
    "kde_bythewater.jpg": "lake horizon",
    "kde_coldripple.jpg": "jetty's end, square to the frame",
    "kde_darkesthour.jpg": "lake horizon in fog",
    "kde_eveningglow.jpg": "lake shore and hills",
    "kde_path.jpg": "tree trunks",
    "kde_summer_1am.jpg": "lake horizon",
    "lomiri_bridge.jpg": "beach horizon",
    "lomiri_friends.jpg": "door frame and planks",
    "lomiri_kleiber.jpg": "tree trunk",
    "lomiri_life.jpg": "tree trunks",
    "lomiri_seeding.jpg": "upright stems, soft horizon",
    "lomiri_sunset.jpg": "hills' horizon",
    "lomiri_wine.jpg": "room: speaker, window, table",
}
NOTHING_LEVEL_BY_EYE: frozenset[str] = frozenset(
    {
        "canon_350d_blinds.jpg",  # leaf veins
        "canon_rebel_t6.jpg",  # pendant on stone, from above
        "canon_s40_flower.jpg",
        "fujifilm_w3.mpo",  # rocks and foliage
        "iphonexs_empty_icc.heic",  # a dog's face, close
        "minolta_z5_wood.jpg",  # boards receding, no level reference
        "moto_ela_original.jpg",  # notebook set at an angle
        "sony_rx100m4_elephants.jpg",  # painting, no border in frame
        "xiaomi.heic",  # pen on squared paper set at an angle
        "mate_aqua.jpg",
        "mate_freshflower.jpg",
        "mate_garden.jpg",
        "mate_greenmeadow.jpg",
        "mate_ladybird.jpg",
        "mate_raindrops.jpg",
        "mate_twowings.jpg",
        "mate_yellowflower.jpg",
        "opencv_aloel.jpg",  # plant before a patterned cloth
        "opencv_apple.jpg",  # a pencil is not a level line
        "opencv_butterfly.jpg",
        "opencv_orange.jpg",
        "opencv_squirrel_cls.jpg",
        "kde_colorfulcups.jpg",  # cups from above
        "kde_fallenleaf.jpg",
        "kde_grey.jpg",  # curved façade bands, no level reference
        "kde_kite.jpg",  # sky
        "kde_onestandsout.jpg",  # plants from above
        "lomiri_aitzgorri.jpg",  # mountain ridges over a sloping meadow
        "lomiri_dragonfly.jpg",  # leaves against the sky
        "lomiri_free.jpg",  # an ornament under lamps
        "lomiri_greentock.jpg",  # a clock seen at an angle
        "lomiri_picosdeeuropa.jpg",  # mountains, a path up a slope
        "lomiri_picture_0b.jpg",  # a fig in a bowl, from above
        "lomiri_picture_1a.jpg",  # brushes leaning in a jar
    }
)


# What each photo shows, by eye, in the vision contract's scene types; two where either
# is fair (a street of façades). The analyzer names a scene only where it can point at
# the evidence (inference/local/scene.py) and says "unknown" otherwise: the bench
# counts how often it names one and how often rightly.
SCENE_BY_EYE: dict[str, frozenset[str]] = {
    "canon_350d_blinds.jpg": frozenset({"nature"}),
    "canon_400d_storm.jpg": frozenset({"landscape"}),
    "canon_rebel_dune.jpg": frozenset({"landscape", "nature"}),
    "canon_rebel_t6.jpg": frozenset({"other"}),
    "canon_s40_flower.jpg": frozenset({"nature"}),
    "canon_sx210_defocus.jpg": frozenset({"other"}),
    "canon_sx210_motion.jpg": frozenset({"other"}),
    "casio_qvr51_l01.jpg": frozenset({"architecture"}),
    "casio_qvr51_l02.jpg": frozenset({"architecture"}),
    "casio_qvr51_large.jpg": frozenset({"architecture", "street"}),
    "fuji_s7000_motion.jpg": frozenset({"other", "street"}),
    "fujifilm_w3.mpo": frozenset({"nature"}),
    "hopper.jpg": frozenset({"portrait"}),
    "iphone13pro_pug.heic": frozenset({"other"}),
    "iphone6_leuven_a.jpg": frozenset({"architecture", "street"}),
    "iphone6_leuven_b.jpg": frozenset({"architecture", "street"}),
    "iphonexs_empty_icc.heic": frozenset({"other"}),
    "messi5.jpg": frozenset({"event"}),
    "minolta_z5_wood.jpg": frozenset({"other"}),
    "moto_ela_original.jpg": frozenset({"other"}),
    "nokia_n70.jpg": frozenset({"architecture", "other"}),
    "olympus_c2000z_board.jpg": frozenset({"other"}),
    "sony_rx100m4_elephants.jpg": frozenset({"other"}),
    "xiaomi.heic": frozenset({"other"}),
    "kde_bythewater.jpg": frozenset({"landscape"}),
    "kde_coldripple.jpg": frozenset({"landscape"}),
    "kde_colorfulcups.jpg": frozenset({"other"}),
    "kde_darkesthour.jpg": frozenset({"landscape"}),
    "kde_eveningglow.jpg": frozenset({"landscape"}),
    "kde_fallenleaf.jpg": frozenset({"nature"}),
    "kde_grey.jpg": frozenset({"architecture"}),
    "kde_kite.jpg": frozenset({"other"}),
    "kde_onestandsout.jpg": frozenset({"nature"}),
    "kde_path.jpg": frozenset({"landscape", "nature"}),
    "kde_summer_1am.jpg": frozenset({"landscape"}),
    "lomiri_aitzgorri.jpg": frozenset({"landscape"}),
    "lomiri_bridge.jpg": frozenset({"landscape"}),
    "lomiri_dragonfly.jpg": frozenset({"nature"}),
    "lomiri_free.jpg": frozenset({"other"}),
    "lomiri_friends.jpg": frozenset({"other"}),
    "lomiri_greentock.jpg": frozenset({"other"}),
    "lomiri_kleiber.jpg": frozenset({"nature"}),
    "lomiri_life.jpg": frozenset({"landscape", "nature"}),
    "lomiri_picosdeeuropa.jpg": frozenset({"landscape"}),
    "lomiri_picture_0b.jpg": frozenset({"food"}),
    "lomiri_picture_1a.jpg": frozenset({"other"}),
    "lomiri_seeding.jpg": frozenset({"nature"}),
    "lomiri_sunset.jpg": frozenset({"landscape"}),
    "lomiri_wine.jpg": frozenset({"other"}),
    "mate_aqua.jpg": frozenset({"nature", "other"}),
    "mate_freshflower.jpg": frozenset({"nature"}),
    "mate_garden.jpg": frozenset({"nature"}),
    "mate_greenmeadow.jpg": frozenset({"nature"}),
    "mate_ladybird.jpg": frozenset({"nature"}),
    "mate_raindrops.jpg": frozenset({"nature"}),
    "mate_twowings.jpg": frozenset({"nature"}),
    "mate_yellowflower.jpg": frozenset({"nature"}),
    "opencv_aero3.jpg": frozenset({"landscape", "other"}),
    "opencv_aloel.jpg": frozenset({"nature", "other"}),
    "opencv_apple.jpg": frozenset({"food"}),
    "opencv_building.jpg": frozenset({"architecture"}),
    "opencv_butterfly.jpg": frozenset({"nature"}),
    "opencv_home.jpg": frozenset({"architecture"}),
    "opencv_orange.jpg": frozenset({"food"}),
    "opencv_squirrel_cls.jpg": frozenset({"nature"}),
}


def level_by_eye(name: str) -> bool | None:
    """True/False where a photo is labelled above, None where it is not."""
    if name in LEVEL_BY_EYE:
        return True
    if name in NOTHING_LEVEL_BY_EYE:
        return False
    return None


# What a degraded copy is compared with, when not the untouched preview.
REFERENCES: dict[str, Callable[[Img, np.random.Generator], Img]] = {
    "tilt": lambda a, rng: tilt(a, 0.0, rng),
}


def _burst_scores(results: list[AnalysisResult], config: ScoringConfig) -> list[float]:
    """The frames' scores as the product ranks a burst (attributes and the readings the
    burst rule takes: brightness, orientation)."""
    values = to_matrix([r.attributes for r in results])
    readings = np.array([[r.measurements.get(k, np.nan) for k in READINGS] for r in results])
    return [float(x) for x in score_bursts([(values, frame_strays(readings))], config)[0]]


def _first(scores: list[float]) -> bool:
    """The clean frame (index 0) is strictly ahead of every other frame."""
    return int(np.argmax(scores)) == 0 and scores.count(max(scores)) == 1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=Path, default=None)
    ap.add_argument(
        "--holdout",
        action="store_true",
        help="the held-out photos (scripts/fetch_photos.py --holdout), never tuned on",
    )
    ap.add_argument("--bursts-per-photo", type=int, default=4)
    ap.add_argument(
        "--verbose", action="store_true", help="print every failed pair, burst and severity run"
    )
    args = ap.parse_args()
    cv2.setNumThreads(1)
    folder = args.photos or (holdout_photo_folder() if args.holdout else real_photo_folder())
    scorer_name, final = _final_scorer()
    scoring_config = default_config()
    analyzer = LocalAnalyzer()

    photos: list[PreparedPhoto] = []
    skipped: list[str] = []
    scene_read: dict[str, str] = {}  # photo → the scene type the analyzer names
    for p in sorted(folder.iterdir()):
        photo = _prepare(p)
        base = analyzer.analyze(photo)
        if (base.confidence or 0.0) < 0.3:  # blank 80×80 EXIF carriers: nothing to judge
            skipped.append(f"{p.name} ({base.notes.get('confidence', 'low confidence')})")
            continue
        photos.append(photo)
        scene_read[photo.image_id] = str(base.features.get("scene_type"))

    # photo → the analyzer reports a tilt on the untouched preview (its first analysis)
    analyzer_level: dict[str, bool] = {}

    def analyze(meta: PhotoMetadata, name: str, img: Img) -> AnalysisResult:
        res = analyzer.analyze(PreparedPhoto(name, name, meta, img))
        analyzer_level.setdefault(name, res.measurements.get("tilt_confidence", 0.0) >= 0.25)
        return res

    # The orientation moments of each pair's reference and of its copies (degradation,
    # photo → moments), to say how often burst ranking takes a copy for the same scene.
    moments_of: dict[tuple[str, str], npt.NDArray[np.complex128]] = {}
    last_moments: list[npt.NDArray[np.complex128]] = []
    layout_of: dict[tuple[str, str], npt.NDArray[np.float64]] = {}  # the same, layouts
    last_layout: list[npt.NDArray[np.float64]] = []

    def run(meta: PhotoMetadata, name: str, img: Img) -> tuple[dict[str, float], float, str]:
        """Attributes, final score and the blur type the analyzer reads."""
        res = analyze(meta, name, img)
        m = res.measurements
        last_moments[:] = [
            orientation_moments_of(np.array([m.get(k, np.nan) for k in READINGS]))[0]
        ]
        last_layout[:] = [np.array([m.get(k, np.nan) for k in LAYOUT])]
        return res.attributes, final(res.attributes), str(res.features.get("blur_type"))

    def level(name: str) -> bool:
        """Something level in view: by eye where labelled, else by the analyzer."""
        eye = level_by_eye(name)
        return analyzer_level.get(name, False) if eye is None else eye

    print(f"local analyzer accuracy — {len(photos)} real photos, final score = {scorer_name}")
    if skipped:
        print("skipped (analyzer reports it cannot judge them):")
        for s in skipped:
            print(f"  {s}")
    print()
    header = (
        f"{'degradation':<10} {'attribute':<17} {'attr <':>7} {'final <':>8} {'both <':>7} "
        f"{'mono attr':>10} {'mono final':>11}"
    )
    print(header)
    print("-" * len(header))
    failures: list[str] = []
    mono_fail: list[str] = []
    totals = {"pairs": 0, "attr": 0, "final": 0, "both": 0}
    by_photo: dict[str, list[tuple[str, bool]]] = {}  # photo → (degradation, both lower)
    tilt_mono: dict[str, bool] = {}  # photo → both fall monotonically with the turn
    # What the analyzer calls each blurred copy ("motion", "defocus" or "none"), and the
    # untouched photos, to show whether motion blur is told apart from missed focus.
    blur_read: dict[str, Counter[str]] = {}
    for dname, (fn, sevs, attr) in DEGRADATIONS.items():
        n_pairs = ok_attr = ok_final = ok_both = mono_a = mono_f = 0
        for i, photo in enumerate(photos):
            rng = np.random.default_rng(1000 + i)
            ref = REFERENCES.get(dname)
            ref_img = photo.preview if ref is None else ref(photo.preview, rng)
            a0, f0, kind0 = run(photo.metadata, photo.image_id, ref_img)
            moments_of[("reference " + dname, photo.image_id)] = last_moments[0]
            layout_of[("reference " + dname, photo.image_id)] = last_layout[0]
            if ref is None and dname == "gaussian":
                blur_read.setdefault("untouched", Counter())[kind0] += 1
            a_seq, f_seq = [a0[attr]], [f0]
            for sev in sevs:
                a1, f1, kind = run(photo.metadata, photo.image_id, fn(photo.preview, sev, rng))
                if sev == sevs[1]:  # the middle severity
                    moments_of[(dname, photo.image_id)] = last_moments[0]
                    layout_of[(dname, photo.image_id)] = last_layout[0]
                if dname in {"gaussian", "motion"}:
                    blur_read.setdefault(f"{dname} {sev:g}", Counter())[kind] += 1
                n_pairs += 1
                ga, gf = a1[attr] < a0[attr], f1 < f0
                ok_attr += ga
                ok_final += gf
                ok_both += ga and gf
                by_photo.setdefault(photo.image_id, []).append((dname, bool(ga and gf)))
                if not (ga and gf):
                    failures.append(
                        f"{dname}@{sev} {photo.image_id}: {attr} {a0[attr]:.3f}→{a1[attr]:.3f}, "
                        f"final {f0:.1f}→{f1:.1f}"
                    )
                a_seq.append(a1[attr])
                f_seq.append(f1)
            ma = all(x > y for x, y in itertools.pairwise(a_seq))
            mf = all(x > y for x, y in itertools.pairwise(f_seq))
            mono_a += ma
            mono_f += mf
            if dname == "tilt":
                tilt_mono[photo.image_id] = ma and mf
            if not (ma and mf):
                mono_fail.append(
                    f"{dname} {photo.image_id}: {attr} "
                    + " → ".join(f"{x:.3f}" for x in a_seq)
                    + "; final "
                    + " → ".join(f"{x:.1f}" for x in f_seq)
                )
        totals["pairs"] += n_pairs
        totals["attr"] += ok_attr
        totals["final"] += ok_final
        totals["both"] += ok_both
        n = len(photos)
        print(
            f"{dname:<10} {attr:<17} {ok_attr / n_pairs:>7.1%} {ok_final / n_pairs:>8.1%} "
            f"{ok_both / n_pairs:>7.1%} {mono_a / n:>10.1%} {mono_f / n:>11.1%}"
        )
    print(
        f"{'all':<10} {'':<17} {totals['attr'] / totals['pairs']:>7.1%} "
        f"{totals['final'] / totals['pairs']:>8.1%} {totals['both'] / totals['pairs']:>7.1%}"
    )

    # A tilt is visible only against something level (horizon, architecture, edges):
    # split the tilt pairs by whether the photo shows such a line (by eye, LEVEL_BY_EYE),
    # and say how often the analyzer itself saw level structure in each group.
    # The headline row above counts every photo; this only says where the failures are.
    tilt_pairs = [(n, ok) for n, rows in by_photo.items() for d, ok in rows if d == "tilt"]
    by_eye = sum(level_by_eye(p.image_id) is not None for p in photos)
    print(f"  tilt split by what a viewer sees level ({by_eye} of {len(photos)} labelled by eye)")
    for label, want in (("something level in view", True), ("nothing level", False)):
        sel = [ok for name, ok in tilt_pairs if level(name) is want]
        group = [p.image_id for p in photos if level(p.image_id) is want]
        if sel:
            seen = sum(analyzer_level.get(n, False) for n in group)
            mono = sum(tilt_mono.get(n, False) for n in group)
            print(
                f"  tilt, {label:<24} both < {sum(sel) / len(sel):>6.1%} of {len(sel)} pairs, "
                f"monotonic {mono}/{len(group)}; the analyzer saw level structure in "
                f"{seen}/{len(group)}"
            )
    # What the headline would be without the turned photos that have nothing level in
    # them (a turned leaf is not a worse photo; see docs/local-analyzer.md, Limitations).
    unlevel = [ok for name, ok in tilt_pairs if not level(name)]
    rest_n = totals["pairs"] - len(unlevel)
    rest_ok = totals["both"] - sum(unlevel)
    if unlevel and rest_n:
        print(
            f"  {f'all but those {len(unlevel)} pairs':<28} both < {rest_ok / rest_n:>6.1%} "
            f"of {rest_n} pairs"
        )
    # Per source (the file name's prefix: kde_, lomiri_, mate_, opencv_ …), so a set added
    # later can be read on its own: it is the one no version was fitted to.
    prefixes = Counter(name.split("_")[0] for name in by_photo)
    sources = sorted(src for src, n in prefixes.items() if n >= 5)  # sets, not one camera
    if len(sources) > 1:
        print("  by source (file-name prefix): both <, all pairs | all but the level-less turns")
        for src in sources:
            names = [n for n in by_photo if n.split("_")[0] == src]
            rows = [(n, d, ok) for n in names for d, ok in by_photo[n]]
            every = [ok for _, _, ok in rows]
            kept = [ok for n, d, ok in rows if not (d == "tilt" and not level(n))]
            print(
                f"    {src:<10} {len(names):>3} photos  {sum(every) / len(every):>6.1%} of "
                f"{len(every):<4} | {sum(kept) / max(len(kept), 1):>6.1%} of {len(kept)}"
            )

    # Motion blur told apart from missed focus: what the analyzer calls each copy. A copy
    # is called blurred only when its sharpness falls below the blur verdict's bar, so a
    # mild blur can read "none"; among the copies called blurred, the kind should match.
    print()
    print("blur type read (motion / defocus / none); right kind among those called blurred")
    for label, counts in blur_read.items():
        kind = "motion" if label.startswith("motion") else "defocus"
        called = counts["motion"] + counts["defocus"]
        right = f"{counts[kind] / called:>6.1%} of {called}" if called else "     —"
        if label == "untouched":
            right = ""
        print(
            f"  {label:<13} {counts['motion']:>3} / {counts['defocus']:>3} / {counts['none']:>3}"
            f"   {right}"
        )

    # ------------------------------------------------------------ bursts
    names = list(DEGRADATIONS)
    n_bursts = first = first_alone = grouped = 0
    burst_fail: list[str] = []
    # (has a turned frame of a photo with nothing level in view, clean frame first by the
    # product's burst ranking, clean frame first by the final score alone)
    burst_split: list[tuple[bool, bool, bool]] = []
    # Every frame of a burst shows the same scene: the crop that the tilt variants need
    # (see tilt()), taken from a copy jittered by whole pixels (a burst's frames are fresh
    # sensor samples; a sub-pixel bilinear shift would soften each by a random amount, and
    # is measured on its own below). Every frame is resampled alike: with plain crops for
    # all but the turned frames, the turn's resampling smoothed the tilted frames' grain and
    # 8×8 grid and they won on noise (nokia_n70 by 11 points).
    for i, photo in enumerate(photos):
        for b in range(args.bursts_per_photo):
            rng = np.random.default_rng(50_000 + 97 * i + b)
            clean = tilt(shift(photo.preview, *rng.integers(-3, 4, 2)), 0.0, rng)
            results = [analyze(photo.metadata, photo.image_id, clean)]
            picks = rng.choice(len(names), size=4, replace=False)
            labels = ["clean"]
            for k in picks:
                name = names[int(k)]
                fn, sevs, _ = DEGRADATIONS[name]
                sev = sevs[int(rng.integers(0, 2))]  # the two milder severities
                jittered = shift(photo.preview, *rng.integers(-3, 4, 2))
                framed = jittered if name == "tilt" else tilt(jittered, 0.0, rng)
                img = fn(framed, sev, rng)
                results.append(analyze(photo.metadata, photo.image_id, img))
                labels.append(f"{name}@{sev}")
            n_bursts += 1
            # Grouping (shot within the time gap, as here) keeps the five frames together
            # unless the layout check cuts one off (a blown or far-turned frame).
            looks = np.array([[r.measurements.get(k, np.nan) for k in LAYOUT] for r in results])
            groups = split_unlike([np.arange(len(results))], looks)
            grouped += len(groups) == 1 and len(groups[0]) == len(results)
            alone = [final(r.attributes) for r in results]
            scores = _burst_scores(results, scoring_config)
            won = _first(scores)
            has_tilt = "tilt" in {names[int(k)] for k in picks}
            burst_split.append((has_tilt and not level(photo.image_id), won, _first(alone)))
            first += won
            first_alone += _first(alone)
            if not won:
                burst_fail.append(
                    f"{photo.image_id}: "
                    + ", ".join(f"{lab} {s:.1f}" for lab, s in zip(labels, scores, strict=True))
                )
    print()
    print(
        f"bursts: clean frame ranked first in {first}/{n_bursts} = {first / n_bursts:.1%}"
        f" (the keeper, scoring.bursts; by the final score alone {first_alone / n_bursts:.1%})"
    )
    print(
        f"  kept whole by the layout check: {grouped}/{n_bursts} = {grouped / n_bursts:.1%} "
        "(in the rest, a frame that looks like none of the others is left out)"
    )
    # As for the tilt pairs: a turned frame of a leaf or a dune is not visibly worse.
    for label, want in (
        ("with a turned frame of a photo with nothing level", True),
        ("all others", False),
    ):
        picked = [(won, alone) for flag, won, alone in burst_split if flag is want]
        if picked:
            keeper = sum(w for w, _ in picked) / len(picked)
            by_final = sum(a for _, a in picked) / len(picked)
            print(
                f"  {label:<56} {keeper:>6.1%} of {len(picked)} (final score alone {by_final:.1%})"
            )

    # Burst ranking lines a frame up only with neighbours whose orientation moments are
    # those of the same scene turned (scoring.bursts, MIN_MATCH): how often a copy at the
    # middle severity passes against its reference, and how often two different photos do.
    print()
    # and the turn each copy reads against its reference (the tilt copy is turned 4°).
    print(
        f"same scene for the turn reading (match ≥ {MIN_MATCH}): copy vs its reference, "
        "and the turn read"
    )
    for dname in DEGRADATIONS:
        ids = [p.image_id for p in photos]
        copies = np.array([moments_of[(dname, i)] for i in ids])
        refs = np.array([moments_of[("reference " + dname, i)] for i in ids])
        turn, match = relative_turns(copies, refs)
        print(
            f"  {dname:<10} {float(np.mean(match >= MIN_MATCH)):>6.1%} of {len(ids)}"
            f"  (turn read: median {float(np.median(turn)):.2f}°, "
            f"≥ 1° in {float(np.mean(turn >= 1.0)):.0%}, max {float(turn.max()):.2f}°)"
        )
    refs = np.array([moments_of[("reference gaussian", p.image_id)] for p in photos])
    row_a, row_b = np.triu_indices(len(refs), k=1)
    _, match = relative_turns(refs[row_a], refs[row_b])
    share = float(np.mean(match >= MIN_MATCH))
    print(f"  two different photos {share:>6.1%} of {len(row_a)} pairs")

    # Burst grouping cuts a time burst where the layout changes (scoring.bursts,
    # SAME_SCENE_BITS): how often a copy stays in its reference's burst, and how often
    # two different photos would be kept together.
    print(f"same scene for grouping (layouts ≤ {SAME_SCENE_BITS} of 128 bits apart)")
    for dname in DEGRADATIONS:
        ids = [p.image_id for p in photos]
        copies_l = np.array([layout_of[(dname, i)] for i in ids])
        refs_l = np.array([layout_of[("reference " + dname, i)] for i in ids])
        bits = layout_distance(copies_l, refs_l)
        print(
            f"  {dname:<10} {float(np.mean(bits <= SAME_SCENE_BITS)):>6.1%} of {len(ids)}"
            f"  (bits apart: median {int(np.median(bits))}, max {int(bits.max())})"
        )
    refs_l = np.array([layout_of[("reference gaussian", p.image_id)] for p in photos])
    bits = layout_distance(refs_l[row_a], refs_l[row_b])
    print(
        f"  two different photos {float(np.mean(bits <= SAME_SCENE_BITS)):>6.1%} of "
        f"{len(row_a)} pairs  (bits apart: min {int(bits.min())}, median {int(np.median(bits))})"
    )

    # ------------------------------------------------------------ panning
    # The synthetic bursts hold still; real ones pan. Six frames cut by a window of 80% of
    # the width sliding 1%, 2% or 4% of the width per frame: how often the layout check
    # keeps the burst whole, and how often content entering and leaving alone makes a
    # frame read as turned (the turn penalty starts at 1°).
    print()
    print("panning bursts (6 frames, a window sliding across the photo)")
    for step in (0.01, 0.02, 0.04):
        whole_bursts = turned1 = turned2 = 0
        for photo in photos:
            w = photo.preview.shape[1]
            span = int(w * 0.8)
            frames = [
                analyze(
                    photo.metadata,
                    photo.image_id,
                    np.ascontiguousarray(photo.preview[:, int(k * w * step) :][:, :span]),
                )
                for k in range(6)
            ]
            ms = [f.measurements for f in frames]
            looks = np.array([[m.get(k, np.nan) for k in LAYOUT] for m in ms])
            groups = split_unlike([np.arange(len(frames))], looks)
            whole_bursts += len(groups) == 1 and len(groups[0]) == len(frames)
            strays = frame_strays(np.array([[m.get(k, np.nan) for k in READINGS] for m in ms]))
            worst = float(np.nanmax(strays[:, 1])) if not np.isnan(strays[:, 1]).all() else 0.0
            turned1 += worst >= 1.0
            turned2 += worst >= 2.0
        n = len(photos)
        print(
            f"  {step:.0%} of the width per frame: kept whole {whole_bursts}/{n}; "
            f"a frame reads a turn ≥ 1° in {turned1 / n:.0%} of the bursts, "
            f"≥ 2° in {turned2 / n:.0%}"
        )

    # ------------------------------------------------------------ shift stability
    # A burst can only be ranked if jitter alone barely moves the score: final-score
    # range over the untouched preview and four ±3 px shifts of it. Whole-pixel shifts are
    # what a burst's frames differ by; sub-pixel (bilinear) shifts also soften the frame by
    # up to a [½, ½] average, which the sharpness and noise readings rightly see.
    def whole(r: np.random.Generator) -> npt.NDArray[np.float64]:
        return r.integers(-3, 4, 2).astype(np.float64)

    def sub(r: np.random.Generator) -> npt.NDArray[np.float64]:
        return r.uniform(-3, 3, 2)

    for label, draw in (("whole-pixel", whole), ("sub-pixel", sub)):
        spans: list[tuple[float, str]] = []
        for i, photo in enumerate(photos):
            rng = np.random.default_rng(70_000 + i)
            fs = [run(photo.metadata, photo.image_id, photo.preview)[1]]
            for _ in range(4):
                img = shift(photo.preview, *draw(rng))
                fs.append(run(photo.metadata, photo.image_id, img)[1])
            spans.append((max(fs) - min(fs), photo.image_id))
        spans.sort()
        print(
            f"shift stability, {label:<11} (final-score range over ±3 px shifts): median "
            f"{statistics.median(s for s, _ in spans):.2f}, max {spans[-1][0]:.2f} "
            f"({spans[-1][1]})"
        )

    # A burst wobbles as well as it shifts. On a photo with nothing level in view a 1° or
    # 2° turn is invisible, so composition should not move with it (1.14: the saliency
    # band along a bright top edge came and went with the turn, and the dandelions'
    # composition rose 0.81 → 0.89 at 2°). Same crop as the tilt pairs.
    turn_spans: list[tuple[float, str]] = []
    for photo in photos:
        if level(photo.image_id):
            continue
        rng = np.random.default_rng(0)
        comps = [run(photo.metadata, photo.image_id, tilt(photo.preview, 0.0, rng))[0]]
        for deg in (1.0, 2.0):
            comps.append(run(photo.metadata, photo.image_id, tilt(photo.preview, deg, rng))[0])
        values = [c["composition"] for c in comps]
        turn_spans.append((max(values) - min(values), photo.image_id))
    if turn_spans:
        turn_spans.sort()
        print(
            f"turn stability, nothing level in view (composition range over 0°/1°/2° turns, "
            f"{len(turn_spans)} photos): median {statistics.median(s for s, _ in turn_spans):.3f}, "
            f"max {turn_spans[-1][0]:.3f} ({turn_spans[-1][1]})"
        )

    # ------------------------------------------------------------ scene type
    labelled = [(n, k) for n, k in scene_read.items() if n in SCENE_BY_EYE]
    named = [(n, k) for n, k in labelled if k != "unknown"]
    wrong = [
        f"{n} read {k}, by eye {'/'.join(sorted(SCENE_BY_EYE[n]))}"
        for n, k in named
        if k not in SCENE_BY_EYE[n]
    ]
    print()
    print(
        f"scene type (labelled by eye: {len(labelled)} photos): named {len(named)}, "
        f"right {len(named) - len(wrong)} of {len(named)}"
    )
    for kind in ("portrait", "landscape", "architecture", "nature"):
        said = [n for n, k in named if k == kind]
        truly = [n for n, _ in labelled if kind in SCENE_BY_EYE[n]]
        hits = sum(kind in SCENE_BY_EYE[n] for n in said)
        print(f"  {kind:<13} named {len(said):>2}, right {hits:>2}; by eye {len(truly):>2}")
    for w in wrong:
        print(f"  wrong: {w}")

    # ------------------------------------------------------------ speed
    times_full: list[float] = []
    times_fast: list[float] = []
    fast = LocalAnalyzer(detect_faces=False)
    for photo in photos:
        for an, sink in ((analyzer, times_full), (fast, times_fast)):
            an.analyze(photo)
            t0 = time.perf_counter()
            for _ in range(3):
                an.analyze(photo)
            sink.append((time.perf_counter() - t0) / 3 * 1000.0)
    print()
    print("speed (1 thread, previews ≤ 1024 px, ms/photo):")
    for label, ts in (("full analyzer", times_full), ("without faces", times_fast)):
        print(
            f"  {label:<18} median {statistics.median(ts):6.1f}  "
            f"mean {statistics.mean(ts):6.1f}  max {max(ts):6.1f}"
        )
    if failures or burst_fail or mono_fail:
        print()
        print(
            f"failed pairs: {len(failures)}; failed bursts: {len(burst_fail)}; "
            f"not monotonic: {len(mono_fail)}"
        )
        if args.verbose:
            for f in failures + burst_fail + mono_fail:
                print("  " + f)


if __name__ == "__main__":
    main()
