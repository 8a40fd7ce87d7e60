"""Composition measures: placement, horizon tilt, subject size and cropping, clutter.

- Placement: distance from the subject centroid to the nearest rule-of-thirds point and
  to the centre (both are legitimate; centred suits symmetric subjects).
- Tilt: probabilistic Hough lines on Canny edges of the small frame; the length-weighted
  median deviation of long lines within 12° of horizontal (the horizon) or vertical.
  Photos without long straight lines get no tilt verdict.
- Cropping: a subject box touching a frame edge (faces especially) reads as cut off.
- Clutter: edge density outside the subject against inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from photo_score.inference.local.frame import Frame
from photo_score.inference.local.subject import Subject

_THIRDS = ((1 / 3, 1 / 3), (2 / 3, 1 / 3), (1 / 3, 2 / 3), (2 / 3, 2 / 3))


@dataclass(frozen=True, slots=True)
class CompositionReport:
    thirds_distance: float  # to the nearest thirds point, fraction of the diagonal
    centre_distance: float
    tilt_deg: float | None  # None: no long straight lines to judge by
    line_support: float  # total length of the lines used, fraction of the frame diagonal
    subject_area: float  # fraction of the frame
    cut_edges: int  # frame edges the subject touches
    clutter: float  # background edge density / subject edge density
    edge_density: float  # fraction of edge pixels over the frame


def _tilt(edges: np.ndarray, diag: float) -> tuple[float | None, float]:
    lines = cv2.HoughLinesP(
        edges, 1, np.pi / 360, threshold=40, minLineLength=int(diag * 0.12), maxLineGap=4
    )
    if lines is None:
        return None, 0.0
    devs: list[float] = []
    lens: list[float] = []
    for x0, y0, x1, y1 in lines[:, 0, :]:
        dx, dy = float(x1 - x0), float(y1 - y0)
        length = float(np.hypot(dx, dy))
        ang = float(np.degrees(np.arctan2(dy, dx)))
        ang = (ang + 90.0) % 180.0 - 90.0  # (-90, 90]
        if abs(ang) <= 12.0:
            devs.append(ang)
        elif abs(abs(ang) - 90.0) <= 12.0:
            devs.append(ang - 90.0 if ang > 0 else ang + 90.0)
        else:
            continue
        lens.append(length)
    if not devs:
        return None, 0.0
    order = np.argsort(devs)
    d = np.asarray(devs)[order]
    wts = np.asarray(lens)[order]
    cum = np.cumsum(wts)
    median = float(d[int(np.searchsorted(cum, cum[-1] / 2))])
    support = float(cum[-1]) / diag
    if support < 0.3:  # a line or two is not evidence of a level horizon
        return None, support
    return median, support


def measure_composition(frame: Frame, subject: Subject) -> CompositionReport:
    g = frame.small_gray8
    h, w = g.shape
    diag = float(np.hypot(h, w))
    med = float(np.median(g))
    edges = cv2.Canny(g, int(max(10, 0.66 * med)), int(min(255, max(30, 1.33 * med))))
    tilt, support = _tilt(edges, diag)
    cx, cy = subject.cx, subject.cy
    aspect = np.hypot(1.0, h / w)
    d3 = min(float(np.hypot(cx - x, (cy - y) * h / w)) for x, y in _THIRDS) / aspect
    dc = float(np.hypot(cx - 0.5, (cy - 0.5) * h / w)) / aspect
    x0, y0, x1, y1 = subject.box
    margin = 0.01
    cut = 0
    if subject.kind != "none" and subject.area < 0.8:
        cut = sum(
            (
                x0 <= margin,
                y0 <= margin and subject.kind == "face",
                x1 >= 1 - margin,
                y1 >= 1 - margin,
            )
        )
    e = edges > 0
    bx0, by0, bx1, by1 = int(x0 * w), int(y0 * h), int(np.ceil(x1 * w)), int(np.ceil(y1 * h))
    inside = e[by0:by1, bx0:bx1]
    n_in = max(inside.size, 1)
    n_out = max(e.size - inside.size, 1)
    d_in = float(inside.sum()) / n_in
    d_out = (float(e.sum()) - float(inside.sum())) / n_out
    clutter = d_out / max(d_in, 1e-3)
    return CompositionReport(d3, dc, tilt, support, subject.area, cut, clutter, float(e.mean()))
