"""The desktop shell: start the sidecar, wait until it answers, show it in a native window.

The window is Qt WebEngine through pywebview (``photo-score-sidecar[app]``); Electron cannot
be installed here (DESIGN §9). Without a GUI toolkit or a display, the default browser
opens the same URL instead and the sidecar runs until Ctrl-C.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from photo_score.errors import PhotoScoreError
from photo_score.settings import Settings
from photo_score_sidecar.info import SidecarInfo
from photo_score_sidecar.server import SidecarServer

log = logging.getLogger(__name__)
TITLE = "photo-score"
ReadyHook = Callable[[Any], None]  # receives the pywebview Window, on a helper thread


def wait_healthy(info: SidecarInfo, timeout: float = 30.0) -> None:
    """Poll ``/api/health`` with the token until it answers 200."""
    deadline = time.monotonic() + timeout
    headers = {"authorization": f"Bearer {info.token}"}
    with httpx.Client(base_url=info.url, headers=headers, timeout=2.0) as client:
        while True:
            try:
                if client.get("/api/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise PhotoScoreError(f"the sidecar at {info.url} did not become healthy")
            time.sleep(0.05)


def gui_available() -> bool:
    """pywebview with Qt WebEngine is importable and there is somewhere to draw."""
    try:
        import webview  # noqa: F401
        from qtpy import QtWebEngineWidgets  # noqa: F401
    except Exception:
        return False
    if sys.platform.startswith(("linux", "freebsd")):  # macOS and Windows always draw
        headless = os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal")
        display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        return bool(display) or headless
    return True


def open_window(info: SidecarInfo, *, on_ready: ReadyHook | None = None) -> None:
    """Show the UI in a native window; returns when the window is closed."""
    import webview

    window = webview.create_window(TITLE, info.launch_url, width=1400, height=900)
    if on_ready is None:
        webview.start(gui="qt")
    else:
        webview.start(on_ready, (window,), gui="qt")


def wait_for_interrupt(server: SidecarServer) -> None:
    """Block until Ctrl-C or SIGTERM (the server runs on its own thread)."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def launch(
    settings: Settings,
    *,
    folder: Path | None = None,
    port: int = 0,
    window: bool = True,
    browser: bool = True,
    on_started: Callable[[SidecarInfo], None] | None = None,
    on_ready: ReadyHook | None = None,
) -> None:
    """Run the sidecar for one session: the window (or browser) until it is closed."""
    server = SidecarServer(settings, port=port)
    info = server.start()
    try:
        wait_healthy(info)
        if folder is not None:
            server.app.state.sidecar.library.add(str(folder))
        if on_started is not None:
            on_started(info)
        if window and gui_available():
            open_window(info, on_ready=on_ready)
            return
        if window:
            log.warning("no GUI toolkit or display: opening the default browser instead")
        if browser:
            webbrowser.open(info.launch_url)
        wait_for_interrupt(server)
    finally:
        server.stop()
