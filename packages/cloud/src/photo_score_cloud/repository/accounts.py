"""Users, sessions and refresh tokens of the built-in auth provider (service_role)."""

from __future__ import annotations

from typing import Any

from photo_score_cloud.db import Tx


async def create_user(tx: Tx, *, email: str, password_hash: str) -> dict[str, Any] | None:
    """The new user, or None when the email is taken (case-insensitively)."""
    return await tx.one(
        """
        INSERT INTO auth.users (email, encrypted_password, email_confirmed_at,
                                raw_app_meta_data)
        VALUES (%(email)s, %(hash)s, now(),
                '{"provider": "email", "providers": ["email"]}')
        ON CONFLICT ((lower(email))) DO NOTHING
        RETURNING id::text, email, created_at
        """,
        {"email": email, "hash": password_hash},
    )


async def find_user_by_email(tx: Tx, *, email: str) -> dict[str, Any] | None:
    return await tx.one(
        "SELECT id::text, email, encrypted_password FROM auth.users WHERE lower(email) = lower(%s)",
        [email],
    )


async def set_password_hash(tx: Tx, *, user_id: str, password_hash: str) -> None:
    await tx.run(
        "UPDATE auth.users SET encrypted_password = %s, updated_at = now() WHERE id = %s",
        [password_hash, user_id],
    )


async def create_session(tx: Tx, *, user_id: str) -> str:
    row = await tx.one(
        "INSERT INTO cloud_private.sessions (user_id) VALUES (%s) RETURNING id::text", [user_id]
    )
    assert row is not None
    return str(row["id"])


async def session_active(tx: Tx, *, session_id: str, user_id: str) -> bool:
    row = await tx.one(
        "SELECT 1 AS ok FROM cloud_private.sessions "
        "WHERE id = %s AND user_id = %s AND revoked_at IS NULL",
        [session_id, user_id],
    )
    return row is not None


async def revoke_session(tx: Tx, *, session_id: str, reason: str) -> bool:
    count = await tx.run(
        "UPDATE cloud_private.sessions SET revoked_at = now(), revoked_reason = %s "
        "WHERE id = %s AND revoked_at IS NULL",
        [reason, session_id],
    )
    return count > 0


async def add_refresh_token(
    tx: Tx,
    *,
    token_hash: bytes,
    session_id: str,
    user_id: str,
    ttl_seconds: int,
    parent_id: int | None = None,
) -> None:
    await tx.run(
        """
        INSERT INTO cloud_private.refresh_tokens
            (token_hash, session_id, user_id, parent_id, expires_at)
        VALUES (%s, %s, %s, %s, now() + make_interval(secs => %s))
        """,
        [token_hash, session_id, user_id, parent_id, ttl_seconds],
    )


async def lock_refresh_token(tx: Tx, *, token_hash: bytes) -> dict[str, Any] | None:
    """The token with its session's state, locked so concurrent rotations serialise."""
    return await tx.one(
        """
        SELECT t.id, t.session_id::text, t.user_id::text, t.used_at, t.expires_at < now()
                   AS expired,
               s.revoked_at IS NOT NULL AS revoked, u.email
        FROM cloud_private.refresh_tokens t
        JOIN cloud_private.sessions s ON s.id = t.session_id
        JOIN auth.users u ON u.id = t.user_id
        WHERE t.token_hash = %s
        FOR UPDATE OF t, s
        """,
        [token_hash],
    )


async def mark_refresh_token_used(tx: Tx, *, token_id: int) -> None:
    await tx.run(
        "UPDATE cloud_private.refresh_tokens SET used_at = now() WHERE id = %s", [token_id]
    )
    await tx.run(
        "UPDATE cloud_private.sessions SET refreshed_at = now() "
        "WHERE id = (SELECT session_id FROM cloud_private.refresh_tokens WHERE id = %s)",
        [token_id],
    )


async def prune_refresh_tokens(tx: Tx) -> int:
    """Delete expired tokens, and sessions revoked or with no live token left."""
    count = await tx.run("DELETE FROM cloud_private.refresh_tokens WHERE expires_at < now()")
    count += await tx.run(
        """
        DELETE FROM cloud_private.sessions s
        WHERE s.revoked_at IS NOT NULL
           OR NOT EXISTS (SELECT 1 FROM cloud_private.refresh_tokens t WHERE t.session_id = s.id)
        """
    )
    return count
