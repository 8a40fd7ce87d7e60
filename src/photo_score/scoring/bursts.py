"""Bursts: frames shot in quick succession, and which one of them to keep.

Grouping follows the common standard (Lightroom's auto-stack by capture time, ON1's
time-between-stacks, and their similarity check): frames from one camera whose capture
times are at most the config's ``burst_gap_s`` apart (2 s unless the photographer widens
it) chain into one burst (files that name no camera count as one camera; a time without
an offset is read as UTC), and the chain is cut where the scene changes
(:func:`split_unlike`: the local analyzer's layout signature). A frame without a capture
time is never grouped. The default gap is short: within it the layout check need only
tell two scenes apart. Widened to half a minute or more it also groups the re-takes of a
pose or a view, which are what a photographer culls between next.

Ranking within a burst is relative, the way photographers cull one: the frames show one
scene under one light, so what sets them apart is focus, shake, noise, a blink, a turn
and a meter that strayed. Two attributes are therefore read against the burst, not on
their own:

- ``exposure_balance``: the burst's consensus (the median frame's exposure) is taken as
  the exposure the photographer chose. A frame scores no better than that consensus, and
  loses with every stop its median brightness strays from the burst's median. Judged
  alone, a frame a stop brighter than a deliberately dark burst reads "better exposed";
  in the burst it is the one the meter got wrong.
- ``visual_appeal``: colour, contrast and light are the scene's, shared by every frame;
  the burst's median stands for all. What a frame's own appeal adds over it is a brighter
  or blurrier copy's side effect, already counted by exposure and sharpness.

Composition (a frame turned or cut), subject strength (eyes open), sharpness and noise
stay each frame's own. The final score is the reducer's (one implementation), on these
attributes. The global ranking is not touched: this only says which frame of a burst to
keep and how the rest follow it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from photo_score.ingest.discover import RAW_EXTENSIONS
from photo_score.models import ATTRIBUTES
from photo_score.scoring.config import BURST_GAP_S, ScoringConfig
from photo_score.scoring.reducer import score_matrix

# The local analyzer's layout signature, four 32-bit words (see
# inference.local.composition.layout_signature), and how many of its 128 bits two frames
# of one scene may differ in. On the bench photos (bench_local_accuracy.py, middle
# severity, tuning / held out): Gaussian, motion, noise, darker and JPEG copies of a frame
# differ in at most 9 / 12; 4° turns in at most 27 (96 / 98% within 26); +1.5 EV copies
# in 45 / 27 (88 / 98% within 26, where whole areas clip); two different photos in 29 /
# 24 at least (1 pair of 1,096 within 26).
LAYOUT = ("layout_0", "layout_1", "layout_2", "layout_3")
SAME_SCENE_BITS = 26
_LOOK_BACK = 3  # a frame joins a burst if it looks like one of the 3 frames before it

# The measurements the rule reads, one column each of the ``readings`` it takes: the
# frame's median luma (0-255), then its orientation moments (second and fourth, real and
# imaginary parts; see inference.local.composition.orientation_moments).
READINGS = ("luma_p50", "orientation_2c", "orientation_2s", "orientation_4c", "orientation_4s")

_EXPOSURE = ATTRIBUTES.index("exposure_balance")
_APPEAL = ATTRIBUTES.index("visual_appeal")
_COMPOSITION = ATTRIBUTES.index("composition")
# How much of the burst's consensus exposure a frame keeps as it strays from the burst's
# median brightness (stops): a third of a stop costs ~10%, a stop 45%.
_STRAY_STOPS = [0.15, 0.5, 1.0, 2.0]
_STRAY_KEEP = [1.0, 0.8, 0.55, 0.25]
_GAMMA = 2.2  # gamma-encoded luma → linear light, to count stops
# How much of its composition a frame keeps as it is turned against its burst (degrees).
# About what the analyzer's own level score costs a turn against a horizon: 2° costs 15%,
# 8° half. Under a degree is free: panning alone reads that much (content entering and
# leaving moves the moments; at 2% of the width per shot, a frame of a third of the
# bench's panned bursts reads ≥ 1°: bench_local_accuracy.py, docs/scoring.md).
_TURN_DEG = [1.0, 2.0, 4.0, 8.0]
_TURN_KEEP = [1.0, 0.85, 0.7, 0.5]
_NEIGHBOURS = 6  # frames either side, in shot order, a frame is lined up with
_MIN_MOMENT = 0.05  # oriented structure below this (both moments) cannot show a turn
# How well two frames' moments must line up to be one scene turned. On the bench photos
# (tuning / held out, bench_local_accuracy.py): every noisy, darker, JPEG and turned copy
# of a frame passes, Gaussian-blurred 96 / 100%, over-exposed 100 / 98%, shaken 92 / 85%;
# of the pairs of two different photos, 12% / 14%.
MIN_MATCH = 0.8
_MAX_TURN = 12.0  # degrees searched either way; a larger turn reads as this
# Candidate turns, a quarter degree apart, and what they do to each moment.
_ANGLES = np.radians(np.arange(-_MAX_TURN, _MAX_TURN + 0.125, 0.25))
_ROTATE = np.exp(-1j * np.outer([2.0, 4.0], _ANGLES))  # 2×A
_CHUNK = 1024  # frame pairs fitted at once
_SAY_STOPS = 0.3  # a stray this large is put into words (it costs ~10% of the exposure)
_SAY_TURN = 1.0  # degrees (where a turn starts to cost composition)


def camera_identity(serial: str | None, make: str | None, model: str | None) -> str | None:
    """The camera a photo came from: its serial number, else make and model."""
    if serial:
        return f"serial:{serial}"
    if make or model:
        return f"model:{make or ''}|{model or ''}"
    return None


def capture_seconds(capture_time: str | None) -> float:
    """An ISO 8601 capture time as epoch seconds (no offset = UTC); NaN when unknown."""
    if not capture_time:
        return math.nan
    try:
        moment = datetime.fromisoformat(capture_time)
    except ValueError:
        return math.nan
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def find_bursts(
    times: npt.NDArray[np.float64], cameras: Sequence[str | None], gap_s: float = BURST_GAP_S
) -> list[npt.NDArray[np.intp]]:
    """Photo indices grouped into bursts of two or more, each in capture order (ties in
    index order), the bursts ordered by their first index.

    ``times``: capture times in seconds (NaN: unknown, never grouped); ``cameras``: each
    photo's :func:`camera_identity`.
    """
    codes: dict[str | None, int] = {}
    camera = np.array([codes.setdefault(c, len(codes)) for c in cameras], dtype=np.intp)
    rows = np.flatnonzero(~np.isnan(times))
    rows = rows[np.lexsort((rows, times[rows], camera[rows]))]
    t, c = times[rows], camera[rows]
    breaks = np.flatnonzero((np.diff(t) > gap_s) | (np.diff(c) != 0)) + 1
    bursts = [run for run in np.split(rows, breaks) if len(run) > 1]
    bursts.sort(key=lambda run: int(run[0]))
    return bursts


def raw_twins(paths: Sequence[str | None], times: npt.NDArray[np.float64]) -> dict[int, int]:
    """Rows that are one shot's second file, each mapped to the row that stands for the
    shot: a camera set to RAW+JPEG writes ``IMG_1.CR2`` and ``IMG_1.JPG`` at once, and
    they are one frame, not a burst of two (peers.md: pairing is not bursting).

    Twins share a folder and a name but the extension (case aside), one is a raw file and
    the other not, and their capture times agree within a second (or one is unknown: a
    CR3 whose EXIF is not read). The raw file stands for the shot when its time is known,
    else its twin does.
    """
    # One pass to find the raw files (a library without any pays only this), one more for
    # the files named like them.
    raws: dict[str, list[int]] = {}
    for row, path in enumerate(paths):
        if path and path[path.rfind(".") :].lower() in RAW_EXTENSIONS:
            raws.setdefault(_shot(path), []).append(row)
    if not raws:
        return {}
    others: dict[str, list[int]] = {}
    for row, path in enumerate(paths):
        if path and path[path.rfind(".") :].lower() not in RAW_EXTENSIONS:
            key = _shot(path)
            if key in raws:
                others.setdefault(key, []).append(row)
    twins: dict[int, int] = {}
    t = times.tolist()
    for key, rows in others.items():
        if len(raws[key]) != 1:  # two raw files of one name (CR2 and DNG): which pair?
            continue
        raw = raws[key][0]
        keep = raw if not math.isnan(t[raw]) else rows[0]
        for r in [raw, *rows]:
            apart = abs(t[r] - t[keep])
            if r != keep and not apart > 1.0:  # NaN apart: one time unknown, still twins
                twins[r] = keep
    return twins


def _shot(path: str) -> str:
    """Folder and name without the extension, case aside: what a shot's files share."""
    dot, sep = path.rfind("."), max(path.rfind("/"), path.rfind(os.sep))
    return (path[:dot] if dot > sep else path).casefold()


def layout_distance(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
    """How many of the 128 layout bits differ between each row of ``a`` and of ``b``
    (K×4 words each, as the cache holds them: whole numbers in floats)."""
    x = np.bitwise_xor(a.astype(np.uint32), b.astype(np.uint32))
    bits: npt.NDArray[np.intp] = (
        np.unpackbits(np.ascontiguousarray(x).view(np.uint8), axis=1).sum(axis=1).astype(np.intp)
    )
    return bits


def split_unlike(
    bursts: Sequence[npt.NDArray[np.intp]], layouts: npt.NDArray[np.float64]
) -> list[npt.NDArray[np.intp]]:
    """The bursts of :func:`find_bursts` cut where the frames stop looking alike.

    A frame joins a group when its layout differs from one of the ``_LOOK_BACK`` frames
    shot before it in at most ``SAME_SCENE_BITS`` bits (looking back a few frames, a
    shaken or blown frame between two good ones does not cut the burst), and two subjects
    shot in turn stay two groups. A frame without a layout (a result from a vision model
    only, or an older analyzer) joins by time alone, as before. ``layouts``: N×4 words per
    photo row, NaN where unknown. Groups of one are dropped; the result is ordered like
    :func:`find_bursts`'s.
    """
    out: list[npt.NDArray[np.intp]] = []
    for rows in bursts:
        n = len(rows)
        words = layouts[rows]
        unknown = np.asarray(np.isnan(words).any(axis=1), dtype=bool)
        known = np.where(unknown[:, None], 0.0, words)
        links: list[tuple[int, int]] = []
        for step in range(1, min(_LOOK_BACK, n - 1) + 1):
            alike = layout_distance(known[step:], known[:-step]) <= SAME_SCENE_BITS
            linked = alike | unknown[step:] | unknown[:-step]
            links += [(i + step, i) for i in np.flatnonzero(linked).tolist()]
        out += [rows[np.array(g)] for g in _components(n, links) if len(g) > 1]
    out.sort(key=lambda run: int(run[0]))
    return out


def _components(n: int, links: Sequence[tuple[int, int]]) -> list[list[int]]:
    """The connected groups of ``range(n)`` under ``links``, each in ascending order."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in links:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def relative_turns(
    a: npt.NDArray[np.complex128], b: npt.NDArray[np.complex128]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """How far (degrees, unsigned, at most ``_MAX_TURN``) each frame of ``a`` is turned
    against the matching frame of ``b``, both K×2 orientation moments, and how well the
    turn lines them up.

    The turn is the one that best lines up both moments at once (a least-squares fit over
    a quarter-degree grid). The match is ``1 − residual / (|a|² + |b|²)`` after that turn:
    1 when one frame is the other turned, near 0 or below for unrelated scenes.
    """
    c = a * np.conj(b)
    best = np.empty(len(c), dtype=np.intp)
    fit_best = np.empty(len(c), dtype=np.float64)
    for start in range(0, len(c), _CHUNK):  # a 10,000-frame burst needs no 15 MB matrix
        part = c[start : start + _CHUNK]
        fit = part.real @ _ROTATE.real - part.imag @ _ROTATE.imag  # Re(c · e^{-ikδ})
        best[start : start + _CHUNK] = np.argmax(fit, axis=1)
        fit_best[start : start + _CHUNK] = fit.max(axis=1)
    energy = (np.abs(a) ** 2).sum(axis=1) + (np.abs(b) ** 2).sum(axis=1)
    match = 2.0 * fit_best / np.maximum(energy, 1e-12)
    turns: npt.NDArray[np.float64] = np.abs(np.degrees(_ANGLES[best]))
    return turns, match


def frame_turns(moments: npt.NDArray[np.complex128]) -> npt.NDArray[np.float64]:
    """Each frame's turn against its burst, in degrees; NaN where it cannot be read.

    ``moments``: N×2 orientation moments in shot order (NaN where unknown). Each frame is
    lined up with its neighbours (up to ``_NEIGHBOURS`` either side among the frames that
    can be read); its turn is the one that lines it up with at least half of them, less the
    smallest such turn in the burst. So the frame the rest agree with reads 0 however the
    burst as a whole is turned, and two frames that disagree with each other both read 0:
    nothing says which of the two is level. Only neighbours that are a turn of the frame
    count (match ≥ ``MIN_MATCH``): two subjects shot within the time gap, or a subject
    that moved, are not lined up at all, and a frame with no such neighbour is not read.
    """
    n = len(moments)
    turns = np.full(n, np.nan)
    strength = np.abs(moments).max(axis=1, initial=0.0)
    readable = np.flatnonzero(strength >= _MIN_MOMENT)  # False where NaN
    if len(readable) < 2:
        return turns
    m = moments[readable]
    k = len(readable)
    peers = np.full((k, 2 * _NEIGHBOURS), np.inf)  # each frame's turn against each peer
    for step in range(1, min(_NEIGHBOURS, k - 1) + 1):
        t, match = relative_turns(m[step:], m[:-step])
        t[match < MIN_MATCH] = np.inf  # not the same scene turned: no reading
        peers[step:, _NEIGHBOURS - step] = t  # against the frame `step` before
        peers[:-step, _NEIGHBOURS + step - 1] = t  # against the frame `step` after
    count = np.isfinite(peers).sum(axis=1)
    lined_up = count > 0
    if not lined_up.any():
        return turns
    half = np.sort(peers, axis=1)[np.arange(k), np.maximum((count + 1) // 2 - 1, 0)]
    half[~lined_up] = np.nan
    turns[readable] = half - np.nanmin(half)
    return turns


def orientation_moments_of(readings: npt.NDArray[np.float64]) -> npt.NDArray[np.complex128]:
    """The orientation moments (N×2: second, fourth) out of ``READINGS`` rows (N×5)."""
    r = np.asarray(readings, dtype=np.float64).reshape(-1, len(READINGS))
    moments: npt.NDArray[np.complex128] = r[:, [1, 3]] + 1j * r[:, [2, 4]]
    return moments


def frame_strays(readings: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """How each frame of one burst strays from the rest: N×2, the stops its median
    brightness lies above (+) or below (−) the burst's median, and its turn in degrees
    (:func:`frame_turns`); NaN where unknown. ``readings``: N×5, the frames' ``READINGS``
    in shot order. What :func:`judge_in_burst` charges, and what :func:`stray_notes` says;
    it does not depend on the scoring config."""
    readings = np.asarray(readings, dtype=np.float64).reshape(-1, len(READINGS))
    levels = readings[:, 0]
    stops = np.full(len(readings), np.nan)
    measured = ~np.isnan(levels)
    if measured.any():
        median_level = float(np.median(levels[measured]))
        stops[measured] = _GAMMA * np.log2((levels[measured] + 0.5) / (median_level + 0.5))
    turns = frame_turns(orientation_moments_of(readings))
    return np.column_stack([stops, turns])


def stray_notes(stops: float, turn: float) -> list[str]:
    """A frame's strays in words, where they cost it anything worth saying (a third of a
    stop, a degree)."""
    notes = []
    if abs(stops) >= _SAY_STOPS:
        size = round(abs(stops), 1)
        notes.append(
            f"{size:.1f} {'stop' if size <= 1 else 'stops'} "
            f"{'brighter' if stops > 0 else 'darker'} than the rest of the burst"
        )
    if turn >= _SAY_TURN:
        notes.append(f"turned {turn:.1f}° against the other frames")
    return notes


def judge_in_burst(
    values: npt.NDArray[np.float64], strays: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """One burst's attributes as the burst judges them (see the module docstring).

    ``values``: N×6 in ``models.ATTRIBUTES`` order, NaN = missing; ``strays``: N×2, the
    frames' :func:`frame_strays`. Returns a new array.
    """
    values = np.array(values, dtype=np.float64).reshape(-1, len(ATTRIBUTES))
    strays = np.asarray(strays, dtype=np.float64).reshape(-1, 2)
    stops, turns = np.abs(strays[:, 0]), strays[:, 1]
    exposure = values[:, _EXPOSURE]  # a view: written through below
    known = ~np.isnan(exposure)
    if known.any():
        consensus = float(np.median(exposure[known]))
        measured = ~np.isnan(stops)
        keep = np.ones(len(values))
        keep[measured] = np.interp(stops[measured], _STRAY_STOPS, _STRAY_KEEP)
        exposure[known] = np.minimum(exposure[known], consensus) * keep[known]
    appeal = values[:, _APPEAL]
    shared = ~np.isnan(appeal)
    if shared.any():
        appeal[shared] = float(np.median(appeal[shared]))
    turned = ~np.isnan(turns)
    values[turned, _COMPOSITION] *= np.interp(turns[turned], _TURN_DEG, _TURN_KEEP)
    return values


def score_bursts(
    bursts: Sequence[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]],
    config: ScoringConfig,
) -> list[npt.NDArray[np.float64]]:
    """Each burst's frame scores (0–100; NaN where nothing was measured), from
    ``(values, strays)`` per burst as :func:`judge_in_burst` takes them: one reducer
    call for all the bursts."""
    if not bursts:
        return []
    judged = [judge_in_burst(values, strays) for values, strays in bursts]
    final = score_matrix(np.vstack(judged), config).final
    bounds = np.cumsum([len(j) for j in judged])[:-1]
    return list(np.split(final, bounds))


def burst_ranks(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
    """Each frame's rank in its burst (1 = the keeper): by score, ties to the earlier
    frame, frames with nothing measured last."""
    key = np.where(np.isnan(scores), np.inf, -scores)
    order = np.lexsort((np.arange(len(scores)), key))
    ranks = np.empty(len(scores), dtype=np.intp)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks
