"""Run the sidecar: a loopback socket on a free port, uvicorn, a fresh token per launch."""

from __future__ import annotations

import logging
import secrets
import socket
import threading
from pathlib import Path
from types import FrameType

import uvicorn
from fastapi import FastAPI

from photo_score.errors import PhotoScoreError
from photo_score.settings import Settings
from photo_score_sidecar.app import create_app
from photo_score_sidecar.info import SidecarInfo
from photo_score_sidecar.state import Sidecar

log = logging.getLogger(__name__)
HOST = "127.0.0.1"  # never anything else: the sidecar serves local files


def bind_loopback(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1 (``port=0``: a free one, chosen by the OS)."""
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets that say they are TCP;
    # without it every response waits ~40 ms (Nagle + delayed ACK).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise PhotoScoreError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class _Server(uvicorn.Server):
    """uvicorn that first ends open event streams, so shutdown is not held up by them."""

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._app = app

    def close_streams(self) -> None:
        sidecar: Sidecar | None = getattr(self._app.state, "sidecar", None)
        if sidecar is not None:
            sidecar.broker.close()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.close_streams()
        super().handle_exit(sig, frame)


class SidecarServer:
    """One launch of the sidecar. ``run()`` blocks (the CLI); ``start()``/``stop()`` thread it."""

    def __init__(
        self,
        settings: Settings,
        *,
        port: int = 0,
        token: str | None = None,
        ui_dir: Path | None = None,
        use_keyring: bool = True,
    ) -> None:
        self.settings = settings
        self.token = token or secrets.token_urlsafe(32)
        self._sock = bind_loopback(port)
        self.port = int(self._sock.getsockname()[1])
        self.app = create_app(
            settings, self.token, port=self.port, ui_dir=ui_dir, use_keyring=use_keyring
        )
        self.info: SidecarInfo = self.app.state.info
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=3,
            server_header=False,
            lifespan="on",
        )
        self._server = _Server(config, self.app)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.info.url

    def run(self) -> None:
        """Serve until interrupted (Ctrl-C / SIGTERM)."""
        try:
            self._server.run(sockets=[self._sock])
        finally:
            self._sock.close()

    def start(self, timeout: float = 30.0) -> SidecarInfo:
        """Serve on a background thread; returns once requests are answered."""
        self._thread = threading.Thread(target=self.run, name="sidecar", daemon=True)
        self._thread.start()
        ready = threading.Event()

        def wait() -> None:
            while not self._server.started and self._thread is not None:
                if not self._thread.is_alive():
                    break
                ready.wait(0.02)
            ready.set()

        wait()
        if not self._server.started:
            raise PhotoScoreError("the sidecar did not start; see the log above")
        return self.info

    def stop(self, timeout: float = 30.0) -> None:
        self._server.close_streams()
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
