"""The listening socket of ``photo-score-cloud serve --workers N``.

With more than one worker, uvicorn binds the socket itself as ``socket.socket(AF_INET)``:
protocol 0, and the workers receive it (and accept connections) with that same protocol
number. asyncio turns TCP_NODELAY on only for sockets whose ``proto`` is ``IPPROTO_TCP``
(``asyncio.base_events._set_nodelay``), so every response of every worker waited on Nagle
and the client's delayed ACK (~40 ms). This module binds the socket the way asyncio expects
and hands it to uvicorn's own multi-process supervisor.
"""

from __future__ import annotations

import logging
import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

BACKLOG = 2048  # uvicorn's default (Config.backlog); the kernel caps it at net.core.somaxconn


def bind_tcp(host: str, port: int, backlog: int = BACKLOG) -> socket.socket:
    """A listening TCP socket that asyncio will set TCP_NODELAY on for every connection."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def run_workers(app: str, sock: socket.socket, *, workers: int, **options: Any) -> None:
    """What ``uvicorn.run(app, workers=N)`` does, but on ``sock`` (from :func:`bind_tcp`).

    The workers are spawned processes: each receives ``sock`` with its family, type and
    protocol intact and listens on it (``backlog`` again, uvicorn's default).
    """
    config = uvicorn.Config(app, workers=workers, backlog=BACKLOG, **options)
    host, port = sock.getsockname()[:2]
    logging.getLogger("uvicorn.error").info(
        "Uvicorn running on http://%s:%d with %d workers", host, port, workers
    )
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()
