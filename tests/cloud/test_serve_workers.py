"""``photo-score-cloud serve --workers N``: its own listening socket, so asyncio turns
TCP_NODELAY on for every accepted connection (uvicorn's multi-worker socket left Nagle on:
~40 ms per response), and many concurrent clients are all answered (no resets)."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

import httpx
import pytest
from photo_score_cloud import cli, server
from photo_score_cloud.server import BACKLOG, bind_tcp
from photo_score_cloud.settings import CloudSettings
from typer.testing import CliRunner

from tests.cloud.helpers import ROOT, LiveServer

THREADS = 8
REQUESTS_PER_THREAD = 50
BURST = 64  # simultaneous fresh connections


def test_serve_bind_tcp_makes_a_tcp_listener() -> None:
    sock = bind_tcp("127.0.0.1", 0)
    try:
        assert (sock.family, sock.type, sock.proto) == (
            socket.AF_INET,
            socket.SOCK_STREAM,
            socket.IPPROTO_TCP,  # what asyncio's _set_nodelay checks
        )
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) != 0
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) != 0
        assert sock.get_inheritable()
        assert BACKLOG == 2048  # uvicorn's default, which each worker listens with again
    finally:
        sock.close()


def test_serve_bind_tcp_port_in_use_is_an_oserror() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError, match=r"(?i)address already in use"):
            bind_tcp("127.0.0.1", taken.getsockname()[1])


def _accept_one(sock: socket.socket, conn: Connection) -> None:
    """In a spawned worker (as uvicorn's): serve ``sock`` with asyncio and report the
    TCP_NODELAY option of the first accepted connection."""

    async def main() -> None:
        loop = asyncio.get_running_loop()
        nodelay: asyncio.Future[int] = loop.create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                accepted = transport.get_extra_info("socket")
                nodelay.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await loop.create_server(Probe, sock=sock, backlog=BACKLOG)
        conn.send("ready")
        conn.send(await asyncio.wait_for(nodelay, 60))
        server.close()

    asyncio.run(main())


def test_serve_workers_accepted_connections_have_nodelay() -> None:
    """The socket as a spawned worker receives it: asyncio sets TCP_NODELAY on what it accepts."""
    sock = bind_tcp("127.0.0.1", 0)
    ctx = multiprocessing.get_context("spawn")  # what uvicorn's Multiprocess uses
    ours, theirs = ctx.Pipe()
    worker = ctx.Process(target=_accept_one, args=(sock, theirs), daemon=True)
    worker.start()
    try:
        assert ours.poll(60)
        assert ours.recv() == "ready"
        with socket.create_connection(sock.getsockname(), timeout=30):
            assert ours.poll(60)
            assert ours.recv() != 0
    finally:
        worker.join(30)
        if worker.is_alive():
            worker.kill()
        sock.close()
    assert worker.exitcode == 0


def test_serve_workers_hands_uvicorn_a_tcp_socket(
    monkeypatch: pytest.MonkeyPatch, settings: CloudSettings
) -> None:
    """`serve --workers 2` runs uvicorn's workers on a socket from bind_tcp, not on uvicorn's."""
    seen: dict[str, Any] = {}

    def run_workers(app: str, sock: socket.socket, *, workers: int, **options: Any) -> None:
        seen.update(app=app, proto=sock.proto, workers=workers, **options)
        sock.close()

    monkeypatch.setattr(cli, "_settings", lambda: settings)
    monkeypatch.setattr(server, "run_workers", run_workers)
    result = CliRunner().invoke(
        cli.app, ["serve", "--host", "127.0.0.1", "--port", "0", "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    assert seen["proto"] == socket.IPPROTO_TCP
    assert (seen["app"], seen["workers"], seen["factory"]) == (cli.APP, 2, True)


def test_serve_workers_port_in_use_fails_cleanly(cloud_env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "photo_score_cloud", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--workers", "2"],
            env={**os.environ, **cloud_env, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
        )  # fmt: skip
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr


@pytest.fixture(scope="module")
def two_workers(cloud_env: dict[str, str]) -> Iterator[LiveServer]:
    server = LiveServer(cloud_env, workers=2).start()
    yield server
    server.stop()


def _threads(count: int, target: Callable[[int], None]) -> list[BaseException | None]:
    errors: list[BaseException | None] = [None] * count

    def run(i: int) -> None:
        try:
            target(i)
        except BaseException as exc:  # reported by the test
            errors[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


def test_serve_workers_answer_concurrent_keepalive_clients(two_workers: LiveServer) -> None:
    statuses: list[list[int]] = [[] for _ in range(THREADS)]

    def client(i: int) -> None:
        with httpx.Client(base_url=two_workers.url, timeout=30) as http:
            for _ in range(REQUESTS_PER_THREAD):
                statuses[i].append(http.get("/health").status_code)

    assert _threads(THREADS, client) == [None] * THREADS
    assert [s for row in statuses for s in row] == [200] * (THREADS * REQUESTS_PER_THREAD)


def test_serve_workers_answer_a_burst_of_new_connections(two_workers: LiveServer) -> None:
    statuses: list[int] = [0] * BURST
    start = threading.Barrier(BURST)

    def client(i: int) -> None:
        start.wait(30)
        statuses[i] = httpx.get(two_workers.url + "/health", timeout=30).status_code

    assert _threads(BURST, client) == [None] * BURST
    assert statuses == [200] * BURST
