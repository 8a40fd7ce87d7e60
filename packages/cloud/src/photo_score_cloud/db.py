"""Connections and transactions: every query runs as a database role, never as the login role.

The API logs in as a non-superuser role with no table privileges of its own (Supabase's
``authenticator`` is NOINHERIT), and each transaction first switches role the way PostgREST
does: ``authenticated`` with the caller's JWT claims for the user's own data, so the
database's RLS policies decide what the caller may touch, or ``service_role`` for the few
privileged steps (the ledger, auth bookkeeping, rate limits, maintenance). Only
:mod:`photo_score_cloud.repository` runs SQL through the :class:`Tx` handed out here.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Literal

from psycopg import AsyncConnection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

Role = Literal["authenticated", "service_role"]
Params = Sequence[Any] | Mapping[str, Any] | None

_BEGIN = "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)"


class Tx:
    """One open transaction under one role; the only way code reaches SQL."""

    def __init__(self, conn: AsyncConnection[DictRow], role: Role) -> None:
        self._conn = conn
        self.role = role

    async def one(self, query: str, params: Params = None) -> dict[str, Any] | None:
        cur = await self._conn.execute(query, params)
        return await cur.fetchone()

    async def all(self, query: str, params: Params = None) -> list[dict[str, Any]]:
        cur = await self._conn.execute(query, params)
        return await cur.fetchall()

    async def run(self, query: str, params: Params = None) -> int:
        """Execute; returns the number of rows affected."""
        cur = await self._conn.execute(query, params)
        return cur.rowcount


class Database:
    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 10) -> None:
        self.pool: AsyncConnectionPool[AsyncConnection[DictRow]] = AsyncConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            open=False,
            kwargs={"autocommit": True, "row_factory": dict_row},
            connection_class=AsyncConnection[DictRow],
            name="photo-score-cloud",
        )

    async def open(self, *, timeout: float = 30.0) -> None:
        await self.pool.open(wait=True, timeout=timeout)

    async def close(self) -> None:
        await self.pool.close()

    @asynccontextmanager
    async def transaction(
        self, role: Role, claims: Mapping[str, Any] | None = None
    ) -> AsyncIterator[Tx]:
        """Commit on success, roll back on any exception (which propagates)."""
        async with self.pool.connection() as conn, conn.transaction():
            await conn.execute(_BEGIN, [role, json.dumps(dict(claims or {}))])
            yield Tx(conn, role)

    def as_user(self, claims: Mapping[str, Any]) -> AbstractAsyncContextManager[Tx]:
        """A transaction the database restricts to the rows of ``claims["sub"]``."""
        return self.transaction("authenticated", claims)

    def as_service(self) -> AbstractAsyncContextManager[Tx]:
        return self.transaction("service_role")

    async def ping(self, *, timeout: float = 5.0) -> None:
        async with self.pool.connection(timeout=timeout) as conn:
            await conn.execute("SELECT 1")
