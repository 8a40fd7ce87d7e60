"""Who is calling, and the database handle bound to them."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from photo_score_cloud.db import Database, Tx


@dataclass(frozen=True)
class Principal:
    """A verified caller: the token's subject and the claims the database policies read."""

    user_id: str
    email: str | None
    session_id: str | None
    claims: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Session:
    """Database access on behalf of one caller.

    ``user()`` opens a transaction as ``authenticated`` with the caller's claims, so RLS
    limits every query to their rows; ``service()`` opens a ``service_role`` transaction
    for the privileged steps (the ledger, auth bookkeeping), which the rules use sparingly.
    """

    db: Database
    principal: Principal

    @property
    def user_id(self) -> str:
        return self.principal.user_id

    def user(self) -> AbstractAsyncContextManager[Tx]:
        return self.db.as_user(self.principal.claims)

    def service(self) -> AbstractAsyncContextManager[Tx]:
        return self.db.as_service()
