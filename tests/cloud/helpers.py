"""Factories and harness pieces for the cloud tests."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx
import psycopg
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class CloudDb:
    owner_url: str  # superuser: migrations and test set-up/inspection
    app_url: str  # the API's non-superuser login role (authenticator)

    def query(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.owner_url, autocommit=True) as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def scalar(self, sql: str, params: Any = None) -> Any:
        return self.query(sql, params)[0][0]

    def create_user(self, email: str | None = None) -> str:
        """A user row as Supabase Auth would create it (no password: token-only tests)."""
        user_id = str(uuid.uuid4())
        self.query(
            "INSERT INTO auth.users (id, email) VALUES (%s, %s)",
            [user_id, email or f"{user_id[:8]}@example.test"],
        )
        return user_id

    def balance(self, user_id: str) -> int:
        rows = self.query("SELECT balance FROM credits WHERE user_id = %s", [user_id])
        return int(rows[0][0]) if rows else 0

    def ledger_sum(self, user_id: str) -> int:
        return int(
            self.scalar(
                "SELECT coalesce(sum(amount), 0) FROM transactions WHERE user_id = %s", [user_id]
            )
        )

    def ledger_types(self, user_id: str) -> list[str]:
        rows = self.query(
            "SELECT type FROM transactions WHERE user_id = %s ORDER BY created_at, type", [user_id]
        )
        return [r[0] for r in rows]

    def set_balance(self, user_id: str, credits: int) -> None:
        """Top up through a ledger row, as the billing code would (ledger stays the truth)."""
        self.query(
            "INSERT INTO credits (user_id, balance) VALUES (%s, 0) ON CONFLICT DO NOTHING",
            [user_id],
        )
        delta = credits - self.balance(user_id)
        if delta:
            self.query(
                "WITH c AS (UPDATE credits SET balance = balance + %(d)s WHERE user_id = %(u)s "
                "RETURNING user_id, balance) INSERT INTO transactions "
                "(user_id, amount, type, reference, balance_after) "
                "SELECT user_id, %(d)s, 'adjustment', 'test', balance FROM c",
                {"d": delta, "u": user_id},
            )


def image_bytes(seed: int, *, size: tuple[int, int] = (96, 64), fmt: str = "JPEG") -> bytes:
    """A small, distinct, decodable image."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    for _ in range(20):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        image.putpixel((x, y), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    buf = BytesIO()
    image.save(buf, fmt)
    return buf.getvalue()


def analyze_body(data: bytes, *, image_hash: str | None = None) -> dict[str, str]:
    return {
        "image_data": base64.b64encode(data).decode(),
        "image_hash": image_hash or hashlib.sha256(data).hexdigest(),
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def signup(
    client: Any, email: str | None = None, password: str = "correct horse battery"
) -> dict[str, Any]:
    """Sign up through the API; returns the session (tokens + user)."""
    email = email or f"{uuid.uuid4().hex[:10]}@example.test"
    response = client.post("/auth/signup", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    session: dict[str, Any] = response.json()["session"]
    return session


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class InProcessServer:
    """An ASGI app on uvicorn in a background thread (lifespan on, loopback, free port)."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_level="warning", ws="none", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> InProcessServer:
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), name="cloud-api")
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the API did not start")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def loop(self) -> asyncio.AbstractEventLoop:
        """The server's event loop (to run a coroutine on it from a test)."""
        assert self._loop is not None
        return self._loop

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self._server.serve()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=30)


class LiveServer:
    """`photo-score-cloud serve` as a real process on a loopback port."""

    def __init__(self, env: dict[str, str], *, workers: int = 1) -> None:
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        import tempfile

        handle, name = tempfile.mkstemp(prefix="cloud-server-", suffix=".log")
        self.log_path = Path(name)
        env = {**os.environ, **self.env, "PYTHONPATH": str(ROOT)}
        with os.fdopen(handle, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "photo_score_cloud", "serve", "--host", "127.0.0.1",
                 "--port", str(self.port), "--workers", str(self.workers)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.read_log()[-2000:]}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not become healthy")

    def read_log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log_path is not None:
            self.log_path.unlink(missing_ok=True)
