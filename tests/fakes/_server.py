"""Serve a fake's FastAPI app on 127.0.0.1 from a background thread (shared by every fake)."""

from __future__ import annotations

import threading
import time
from typing import Self

import uvicorn
from fastapi import FastAPI


class LoopbackServer:
    """Start/stop for a fake third-party API; subclasses set ``app`` and ``name``."""

    app: FastAPI
    name = "fake server"
    port = 0
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    def start(self) -> Self:
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off", ws="none"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=self.name)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the {self.name} did not start")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
