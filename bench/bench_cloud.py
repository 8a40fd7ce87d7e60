"""Cloud API throughput and the double-spend check, against the real thing on loopback.

Starts a fresh PostgreSQL database (the local server, or a throwaway cluster), the fake
OpenRouter, and `photo-score-cloud serve --workers 2`; then drives it with a bounded async
load generator (httpx, fixed request count, fixed concurrency, loopback only) and prints
requests/s, p50/p99 latency and failures (non-200 or a transport error such as a reset,
counted by type) side by side for:

- ``GET /health`` (the floor: one pooled ``SELECT 1``, no auth),
- ``GET /auth/me`` (JWT check, session check, account + rate limit, RLS read),
- ``POST /inference/analyze`` for an already analysed image (all of the above, plus base64
  and SHA-256 of a ~30 KB JPEG and the stored-result lookup; no model call, no charge).

Then the double-spend test: a user with N credits fires M concurrent analyses of different
images at both workers; prints how many were charged, how many got 402, and whether the
balance equals the ledger's sum.

Run: ``uv run python bench/bench_cloud.py [REQUESTS] [CONCURRENCY]``.
"""

from __future__ import annotations

import asyncio
import secrets
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cloud import pg  # noqa: E402
from tests.cloud.conftest import drop_database, fresh_database  # noqa: E402
from tests.cloud.helpers import LiveServer, analyze_body, bearer, image_bytes  # noqa: E402
from tests.fakes.openrouter import FakeOpenRouter  # noqa: E402

CREDITS = 20
SPEND_ATTEMPTS = 100
# Below uvicorn's keep-alive timeout (5 s). httpx's default is also 5 s: a connection left idle
# that long (a row's slowest requests take seconds on a busy machine) was reused just as the
# server closed it, and the request failed with a reset; the client must give up first.
KEEPALIVE_EXPIRY = 2.0
ERRORS: dict[str, int] = {}  # transport errors (connection resets) of the load rows, by type
# One load row: endpoint, requests per second, median and p99 latency (s), failed requests.
Row = tuple[str, float, float, float, int]


async def load(
    name: str, requests: int, concurrency: int, call: Callable[[], Awaitable[httpx.Response]]
) -> Row:
    latencies: list[float] = []
    failures = 0
    queue = iter(range(requests))

    async def worker() -> None:
        nonlocal failures
        for _ in queue:
            started = time.perf_counter()
            try:
                response = await call()
            except httpx.TransportError as exc:  # a reset or a refused connection: count it
                ERRORS[type(exc).__name__] = ERRORS.get(type(exc).__name__, 0) + 1
                failures += 1
                continue
            latencies.append(time.perf_counter() - started)
            failures += response.status_code != 200

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return name, len(latencies) / elapsed, statistics.median(latencies), p99, failures


async def bench(url: str, requests: int, concurrency: int) -> tuple[list[Row], str]:
    limits = httpx.Limits(
        max_connections=concurrency,
        max_keepalive_connections=concurrency,
        keepalive_expiry=KEEPALIVE_EXPIRY,
    )
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        signup = await http.post(
            "/auth/signup", json={"email": "bench@example.test", "password": "bench password 1"}
        )
        signup.raise_for_status()
        session = signup.json()["session"]
        headers = bearer(session["access_token"])
        body = analyze_body(image_bytes(1, size=(640, 480)))
        first = await http.post("/inference/analyze", json=body, headers=headers)
        first.raise_for_status()
        for _ in range(50):  # warm-up: pools, JIT-free but caches and connections
            await http.get("/auth/me", headers=headers)
        rows = [
            await load("GET /health (floor)", requests, concurrency, lambda: http.get("/health")),
            await load(
                "GET /auth/me", requests, concurrency, lambda: http.get("/auth/me", headers=headers)
            ),
            await load(
                "POST /inference/analyze (cached)",
                requests,
                concurrency,
                lambda: http.post("/inference/analyze", json=body, headers=headers),
            ),
        ]
        return rows, session["user"]["id"]


async def double_spend(url: str, user_token: str) -> list[int]:
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        calls = [
            http.post(
                "/inference/analyze",
                json=analyze_body(image_bytes(10_000 + i)),
                headers=bearer(user_token),
            )
            for i in range(SPEND_ATTEMPTS)
        ]
        done = await asyncio.gather(*calls, return_exceptions=True)
        return [r.status_code if isinstance(r, httpx.Response) else 0 for r in done]


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    server = pg.server()
    db = fresh_database(server)
    fake = FakeOpenRouter().start()
    env = {
        "ENVIRONMENT": "production",
        "DATABASE_URL": db.app_url,
        "AUTH_JWT_SECRET": secrets.token_urlsafe(48),
        "OPENROUTER_API_KEY": "sk-or-fake-key",
        "OPENROUTER_BASE_URL": fake.url,
        "RATE_LIMIT_PER_MINUTE": "10000000",
        "INFERENCE_RATE_LIMIT_PER_MINUTE": "10000000",
        "LOG_LEVEL": "WARNING",
        "DATABASE_POOL_MAX": "16",
    }
    api = LiveServer(env, workers=2).start()
    try:
        rows, _ = asyncio.run(bench(api.url, requests, concurrency))
        print(f"photo-score cloud on loopback: 2 uvicorn workers, {requests} requests per row, "
              f"{concurrency} in flight")  # fmt: skip
        print(f"{'endpoint':36} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'failed':>8}")
        floor = rows[0][1]
        for name, rps, p50, p99, bad in rows:
            print(f"{name:36} {rps:9.0f} {p50 * 1000:8.2f} {p99 * 1000:8.2f} {bad:8d}"
                  f"   ({rps / floor:.2f}x the floor)")  # fmt: skip

        print(f"transport errors: {ERRORS or 'none'}")

        with httpx.Client(base_url=api.url) as http:
            created = http.post(
                "/auth/signup", json={"email": "spender@example.test", "password": "spend it all"}
            ).json()["session"]
        uid = created["user"]["id"]
        db.set_balance(uid, CREDITS)
        statuses = asyncio.run(double_spend(api.url, created["access_token"]))
        balance, ledger = db.balance(uid), db.ledger_sum(uid)
        charged = db.ledger_types(uid).count("inference")
        print(
            f"double spend: balance {CREDITS}, {SPEND_ATTEMPTS} concurrent analyses of different "
            f"images → {statuses.count(200)} succeeded, {statuses.count(402)} got 402, "
            f"other {len(statuses) - statuses.count(200) - statuses.count(402)}; "
            f"charged {charged}; balance {balance}, ledger sum {ledger} "
            f"({'OK' if balance == ledger == 0 and charged == CREDITS else 'MISMATCH'})"
        )
    finally:
        api.stop()
        fake.stop()
        drop_database(server, db)
        server.stop()


if __name__ == "__main__":
    main()
