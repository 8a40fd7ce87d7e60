from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import APIRouter

from photo_score.xmp import Naming, SidecarReport, write_sidecars
from photo_score_sidecar.deps import SidecarDep
from photo_score_sidecar.events import EventBroker
from photo_score_sidecar.schemas import XmpAutoIn, XmpAutoOut, XmpFailure, XmpIn, XmpOut
from photo_score_sidecar.xmp_sync import XmpAuto

router = APIRouter(prefix="/xmp", tags=["xmp"])

MAX_FAILURES_LISTED = 100
PROGRESS_EVERY_S = 0.25  # at most this often an ``xmp`` event, and always the last file


@router.post("")
def write_xmp(body: XmpIn, sidecar: SidecarDep) -> XmpOut:
    """Write every scored photo's rating and label (active config) to XMP sidecars.

    Existing sidecars keep everything else they hold; a rating or label set by hand stays
    unless ``overwrite``. One file that cannot be written never stops the others.
    """
    ranked = sidecar.ranked()
    report = write_sidecars(
        ranked.marks(body.folder_id),
        naming=body.naming,
        overwrite=body.overwrite,
        dry_run=body.dry_run,
        progress=_publisher(sidecar.broker),
    )
    return _out(report, body.naming, dry_run=body.dry_run)


def _publisher(broker: EventBroker) -> Callable[[int, int], None]:
    """``xmp`` events (``{type, done, total}``) while a library's sidecars are written, so
    the panel can count through 50,000 files instead of spinning for a minute."""
    last = 0.0

    def publish(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done == total or now - last >= PROGRESS_EVERY_S:
            last = now
            broker.publish("xmp", {"type": "xmp", "done": done, "total": total})

    return publish


@router.get("/auto")
def get_live_xmp(sidecar: SidecarDep) -> XmpAutoOut:
    """Whether sidecars follow every scoring job and config change, and the last pass."""
    return _auto(sidecar)


@router.put("/auto")
def set_live_xmp(body: XmpAutoIn, sidecar: SidecarDep) -> XmpAutoOut:
    """Turn live XMP on (a pass starts at once) or off; kept across launches."""
    sidecar.xmp.set_choice(XmpAuto(enabled=body.enabled, naming=body.naming))
    return _auto(sidecar)


def _auto(sidecar: SidecarDep) -> XmpAutoOut:
    choice, busy, last, error = sidecar.xmp.status()
    return XmpAutoOut(
        enabled=choice.enabled,
        naming=choice.naming,
        busy=busy,
        last=None if last is None else _out(last[1], last[0], dry_run=False),
        error=error,
    )


def _out(report: SidecarReport, naming: Naming, *, dry_run: bool) -> XmpOut:
    return XmpOut(
        **report.counts().model_dump(),
        dry_run=dry_run,
        naming=naming,
        failures=[
            XmpFailure(photo=o.photo, error=o.error or "failed")
            for o in report.failures[:MAX_FAILURES_LISTED]
        ],
    )
