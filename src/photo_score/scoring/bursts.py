"""Bursts: frames shot in quick succession, and which one of them to keep.

Grouping follows the common standard (Lightroom's auto-stack by capture time, ON1's
time-between-stacks): frames from one camera whose capture times are at most
``BURST_GAP_S`` apart chain into one burst (files that name no camera count as one
camera). A frame without a capture time is never grouped. The gap is short on purpose:
with no visual check, a longer one would merge different shots of a busy wedding minute.

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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from photo_score.models import ATTRIBUTES
from photo_score.scoring.config import ScoringConfig
from photo_score.scoring.reducer import score_matrix

BURST_GAP_S = 2.0  # seconds between consecutive frames of one burst, at most

_EXPOSURE = ATTRIBUTES.index("exposure_balance")
_APPEAL = ATTRIBUTES.index("visual_appeal")
# How much of the burst's consensus exposure a frame keeps as it strays from the burst's
# median brightness (stops): a third of a stop costs ~4%, a stop 45%.
_STRAY_STOPS = [0.15, 0.5, 1.0, 2.0]
_STRAY_KEEP = [1.0, 0.8, 0.55, 0.25]
_GAMMA = 2.2  # gamma-encoded luma → linear light, to count stops


@dataclass(frozen=True, slots=True)
class Shot:
    """What grouping needs of a photo: when it was taken, and by which camera."""

    capture_time: str | None  # ISO 8601 as PhotoMetadata keeps it
    camera: str | None  # serial number when known, else make and model


@dataclass(frozen=True, slots=True)
class BurstFrame:
    """One frame of a burst: its attributes and its median brightness."""

    values: npt.NDArray[np.float64]  # the six attributes, models.ATTRIBUTES order, NaN = missing
    level: float | None  # median luma 0–255 (the local analyzer's luma_p50); None: unknown


def camera_identity(serial: str | None, make: str | None, model: str | None) -> str | None:
    """The camera a photo came from: its serial number, else make and model."""
    if serial:
        return f"serial:{serial}"
    if make or model:
        return f"model:{make or ''}|{model or ''}"
    return None


def _moment(capture_time: str | None) -> datetime | None:
    """Wall-clock time of a capture; an offset, when given, is dropped (frames of one
    burst share it, and files with and without one must still compare)."""
    if not capture_time:
        return None
    try:
        return datetime.fromisoformat(capture_time).replace(tzinfo=None)
    except ValueError:
        return None


def find_bursts(shots: Sequence[Shot], gap_s: float = BURST_GAP_S) -> list[list[int]]:
    """Indices of ``shots`` grouped into bursts of two or more, each in capture order."""
    timed: dict[str | None, list[tuple[datetime, int]]] = {}
    for i, shot in enumerate(shots):
        moment = _moment(shot.capture_time)
        if moment is not None:
            timed.setdefault(shot.camera, []).append((moment, i))
    bursts: list[list[int]] = []
    for frames in timed.values():
        frames.sort()
        run = [frames[0]]
        for frame in frames[1:]:
            if (frame[0] - run[-1][0]).total_seconds() <= gap_s:
                run.append(frame)
                continue
            if len(run) > 1:
                bursts.append([i for _, i in run])
            run = [frame]
        if len(run) > 1:
            bursts.append([i for _, i in run])
    bursts.sort(key=lambda burst: burst[0])
    return bursts


def judge_in_burst(
    values: npt.NDArray[np.float64], levels: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """One burst's attributes as the burst judges them (see the module docstring).

    ``values``: N×6 in ``models.ATTRIBUTES`` order, NaN = missing; ``levels``: each frame's
    median luma 0–255, NaN where unknown. Returns a new array.
    """
    values = np.array(values, dtype=np.float64).reshape(-1, len(ATTRIBUTES))
    levels = np.asarray(levels, dtype=np.float64).reshape(-1)
    exposure = values[:, _EXPOSURE]  # a view: written through below
    known = ~np.isnan(exposure)
    if known.any():
        consensus = float(np.median(exposure[known]))
        measured = ~np.isnan(levels)
        keep = np.ones(len(values))
        if measured.any():
            median_level = float(np.median(levels[measured]))
            stops = _GAMMA * np.abs(np.log2((levels[measured] + 0.5) / (median_level + 0.5)))
            keep[measured] = np.interp(stops, _STRAY_STOPS, _STRAY_KEEP)
        exposure[known] = np.minimum(exposure[known], consensus) * keep[known]
    appeal = values[:, _APPEAL]
    shared = ~np.isnan(appeal)
    if shared.any():
        appeal[shared] = float(np.median(appeal[shared]))
    return values


def burst_values(frames: Sequence[BurstFrame]) -> npt.NDArray[np.float64]:
    """:func:`judge_in_burst` for a list of frames."""
    values = np.array([f.values for f in frames], dtype=np.float64)
    levels = np.array([math.nan if f.level is None else f.level for f in frames])
    return judge_in_burst(values, levels)


def burst_scores(frames: Sequence[BurstFrame], config: ScoringConfig) -> list[float]:
    """Each frame's score within its burst (0–100; NaN when nothing was measured)."""
    if not frames:
        return []
    return [float(x) for x in score_matrix(burst_values(frames), config).final]


def score_bursts(
    bursts: Sequence[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]],
    config: ScoringConfig,
) -> list[npt.NDArray[np.float64]]:
    """Many bursts' frame scores at once (``(values, levels)`` per burst, as
    :func:`judge_in_burst` takes them): one reducer call for all of them."""
    if not bursts:
        return []
    judged = [judge_in_burst(values, levels) for values, levels in bursts]
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


def keeper_first(scores: Sequence[float]) -> list[int]:
    """Frame indices, the keeper first (the order :func:`burst_ranks` gives)."""
    ranks = burst_ranks(np.asarray(scores, dtype=np.float64))
    return [int(i) for i in np.argsort(ranks)]
