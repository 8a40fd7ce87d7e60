"""Money under concurrency, across two API processes sharing one database."""

from __future__ import annotations

import asyncio
import itertools

import httpx
import pytest

from tests.cloud.helpers import CloudDb, LiveServer, analyze_body, bearer, image_bytes, signup
from tests.fakes.openrouter import FakeOpenRouter

BALANCE = 6
REQUESTS = 24


async def _burst(urls: list[str], token: str, bodies: list[dict[str, str]]) -> list[int]:
    clients = [httpx.AsyncClient(base_url=u, timeout=120) for u in urls]
    try:
        pick = itertools.cycle(clients)
        calls = [
            next(pick).post("/inference/analyze", json=body, headers=bearer(token))
            for body in bodies
        ]
        return [r.status_code for r in await asyncio.gather(*calls)]
    finally:
        for client in clients:
            await client.aclose()


@pytest.mark.parametrize("servers", [1, 2])
def test_balance_n_gives_exactly_n_charged_analyses(
    live_pair: tuple[LiveServer, LiveServer],
    openrouter: FakeOpenRouter,
    cloud_db: CloudDb,
    servers: int,
) -> None:
    urls = [s.url for s in live_pair[:servers]]
    with httpx.Client(base_url=urls[0]) as http:
        user = signup(http)
    uid = user["user"]["id"]
    cloud_db.set_balance(uid, BALANCE)
    openrouter.latency = 0.05  # keep requests overlapping
    bodies = [analyze_body(image_bytes(1000 * servers + i)) for i in range(REQUESTS)]
    statuses = asyncio.run(_burst(urls, user["access_token"], bodies))
    assert statuses.count(200) == BALANCE
    assert statuses.count(402) == REQUESTS - BALANCE
    assert cloud_db.balance(uid) == 0 == cloud_db.ledger_sum(uid)
    assert cloud_db.ledger_types(uid).count("inference") == BALANCE
    assert len({c.image_digest for c in openrouter.calls()}) == BALANCE  # no unpaid analysis


def test_trial_credits_exactly_once_under_concurrent_first_requests(
    live_pair: tuple[LiveServer, LiveServer], cloud_db: CloudDb
) -> None:
    with httpx.Client(base_url=live_pair[0].url) as http:
        # created without touching credits: sign up's own grant is out of the picture
        session = signup(http)
    uid = session["user"]["id"]
    cloud_db.query("DELETE FROM transactions WHERE user_id = %s", [uid])
    cloud_db.query("DELETE FROM credits WHERE user_id = %s", [uid])

    async def first_requests() -> list[httpx.Response]:
        clients = [httpx.AsyncClient(base_url=s.url, timeout=60) for s in live_pair]
        try:
            calls = [
                clients[i % 2].get("/auth/me", headers=bearer(session["access_token"]))
                for i in range(30)
            ]
            return list(await asyncio.gather(*calls))
        finally:
            for client in clients:
                await client.aclose()

    responses = asyncio.run(first_requests())
    assert {r.status_code for r in responses} == {200}
    assert {r.json()["credits"] for r in responses} == {5}
    assert cloud_db.ledger_types(uid) == ["trial"]
    assert cloud_db.balance(uid) == 5 == cloud_db.ledger_sum(uid)
