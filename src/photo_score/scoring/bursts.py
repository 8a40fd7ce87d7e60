"""Bursts: frames shot in quick succession, and which one of them to keep.

Grouping follows the common standard (Lightroom's auto-stack by capture time, ON1's
time-between-stacks): frames from one camera whose capture times are at most
``BURST_GAP_S`` apart chain into one burst (files that name no camera count as one
camera; a time without an offset is read as UTC). A frame without a capture time is never
grouped. The gap is short on purpose:
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
from datetime import UTC, datetime

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


def score_bursts(
    bursts: Sequence[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]],
    config: ScoringConfig,
) -> list[npt.NDArray[np.float64]]:
    """Each burst's frame scores (0–100; NaN where nothing was measured), from
    ``(values, levels)`` per burst as :func:`judge_in_burst` takes them: one reducer
    call for all the bursts."""
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
