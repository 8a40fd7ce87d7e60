"""Live XMP: keep every scored photo's sidecar in step with its score, when asked to.

Photographers expect the ratings in Lightroom or darktable to follow the app, not to be
exported once (peers.md). With it on, each finished scoring job and each saved config
nudges one background thread, which rewrites the sidecars of the whole library; sidecars
whose mark did not change are read, not rewritten, so a pass over an unchanged library
costs little. Nudges that arrive while a pass runs coalesce into one more pass.

The choice (on or off, the naming) is kept in ``$PHOTO_SCORE_HOME/xmp.json``. An
unreadable file means off: the app never writes into photo folders unless told to.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, ValidationError

from photo_score.xmp import Mark, Naming, SidecarReport, write_sidecars

log = logging.getLogger(__name__)

FILE_NAME = "xmp.json"


class XmpAuto(BaseModel):
    enabled: bool = False
    naming: Naming = "adobe"


def load_choice(home: Path) -> XmpAuto:
    try:
        return XmpAuto.model_validate_json((home / FILE_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return XmpAuto()
    except (OSError, ValueError, ValidationError):
        log.warning("%s is unreadable; live XMP stays off", home / FILE_NAME, exc_info=True)
        return XmpAuto()


def save_choice(home: Path, choice: XmpAuto) -> None:
    home.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".xmp-", suffix=".json", dir=home)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(choice.model_dump(), fh)
        os.replace(tmp, home / FILE_NAME)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class LiveXmp:
    """One thread that writes the library's sidecars whenever nudged while enabled."""

    def __init__(self, home: Path, marks: Callable[[], Iterable[tuple[str, Mark]]]) -> None:
        """``marks``: every scored photo's path and mark under the active config."""
        self._home = home
        self._marks = marks
        self._lock = threading.Lock()
        self._choice = load_choice(home)
        self._last: tuple[Naming, SidecarReport] | None = None
        self._error: str | None = None
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="live-xmp", daemon=True)

    def start(self) -> LiveXmp:
        self._thread.start()
        if self._choice.enabled:
            self.nudge()  # scores may have changed while the app was closed
        return self

    @property
    def choice(self) -> XmpAuto:
        with self._lock:
            return self._choice

    def status(self) -> tuple[XmpAuto, bool, tuple[Naming, SidecarReport] | None, str | None]:
        """(the choice, a pass running or pending, the last pass, why the last one failed)."""
        with self._lock:
            return self._choice, not self._idle.is_set(), self._last, self._error

    def set_choice(self, choice: XmpAuto) -> None:
        save_choice(self._home, choice)
        with self._lock:
            self._choice = choice
        if choice.enabled:
            self.nudge()

    def nudge(self) -> None:
        """Something changed the scores: write again (when enabled)."""
        with self._lock:
            if self._choice.enabled:
                self._idle.clear()
                self._wake.set()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no pass is running or pending (tests, and a clean shutdown)."""
        return self._idle.wait(timeout)

    def close(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if self._stop.is_set():
                return
            self._wake.clear()
            choice = self.choice
            if choice.enabled:
                try:
                    report = write_sidecars(
                        self._marks(), naming=choice.naming, stop=self._stop.is_set
                    )
                    with self._lock:
                        self._last, self._error = (choice.naming, report), None
                except Exception as exc:  # a bad pass must not end the thread
                    log.exception("live XMP pass failed")
                    with self._lock:
                        self._error = str(exc) or exc.__class__.__name__
            with self._lock:  # a nudge during the pass keeps it busy: one more pass follows
                if not self._wake.is_set():
                    self._idle.set()
