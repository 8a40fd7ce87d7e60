"""A PostgreSQL server for the cloud tests: the local one when it answers, else a private one.

The private cluster is initdb'd in a temporary folder and started with pg_ctl on a free
loopback port (as the ``postgres`` user via ``runuser`` when running as root, because
PostgreSQL refuses to run as root), and removed afterwards. Set
``PHOTO_SCORE_TEST_PG=private`` to force it even when a server runs.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

LOCAL = ("127.0.0.1", 5432)


@dataclass
class PgServer:
    host: str
    port: int
    datadir: Path | None = None  # set for a private cluster

    def url(self, dbname: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@{self.host}:{self.port}/{dbname}"

    def stop(self) -> None:
        if self.datadir is None:
            return
        _as_postgres([_bin("pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(self.datadir.parent, ignore_errors=True)
        self.datadir = None


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(
            f"PostgreSQL's {name} is missing: install the `postgresql` package "
            "(scripts/test does this on Debian/Ubuntu)"
        )
    return found[-1]


def _as_postgres(cmd: list[str]) -> None:
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def local_server_answers() -> bool:
    try:
        with psycopg.connect(
            f"postgresql://postgres@{LOCAL[0]}:{LOCAL[1]}/postgres", connect_timeout=3
        ):
            return True
    except psycopg.Error:
        return False


def start_private_cluster() -> PgServer:
    root = Path(tempfile.mkdtemp(prefix="photo-score-pg-"))
    datadir = root / "data"
    datadir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(datadir, "postgres")
        root.chmod(0o755)
    _as_postgres(
        [_bin("initdb"), "-D", str(datadir), "-A", "trust", "-U", "postgres", "--no-sync",
         "-E", "UTF8"]
    )  # fmt: skip
    port = _free_port()
    options = (
        f"-p {port} -k {datadir} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    _as_postgres(
        [_bin("pg_ctl"), "-D", str(datadir), "-o", options, "-l", str(datadir / "log"), "-w",
         "start"]
    )  # fmt: skip
    return PgServer("127.0.0.1", port, datadir)


def server() -> PgServer:
    if os.environ.get("PHOTO_SCORE_TEST_PG") != "private" and local_server_answers():
        return PgServer(*LOCAL)
    return start_private_cluster()
