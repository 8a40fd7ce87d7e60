"""Scoring configs: CRUD on the caller's own rows (authenticated; RLS scopes every query)."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from photo_score_cloud.db import Tx

_COLUMNS = "id::text, name, config, is_public, created_at, updated_at"


async def list_configs(tx: Tx, *, limit: int, offset: int) -> list[dict[str, Any]]:
    return await tx.all(
        f"SELECT {_COLUMNS} FROM public.scoring_configs ORDER BY created_at, id LIMIT %s OFFSET %s",
        [limit, offset],
    )


async def get_config(tx: Tx, *, config_id: str) -> dict[str, Any] | None:
    return await tx.one(f"SELECT {_COLUMNS} FROM public.scoring_configs WHERE id = %s", [config_id])


async def create_config(
    tx: Tx, *, user_id: str, name: str, config: dict[str, Any]
) -> dict[str, Any]:
    row = await tx.one(
        "INSERT INTO public.scoring_configs (user_id, name, config) VALUES (%s, %s, %s) "
        f"RETURNING {_COLUMNS}",
        [user_id, name, Jsonb(config)],
    )
    assert row is not None
    return row


async def update_config(
    tx: Tx, *, config_id: str, name: str | None, config: dict[str, Any] | None
) -> dict[str, Any] | None:
    return await tx.one(
        "UPDATE public.scoring_configs SET name = coalesce(%s, name), "
        "config = coalesce(%s, config), updated_at = now() WHERE id = %s "
        f"RETURNING {_COLUMNS}",
        [name, None if config is None else Jsonb(config), config_id],
    )


async def delete_config(tx: Tx, *, config_id: str) -> bool:
    return await tx.run("DELETE FROM public.scoring_configs WHERE id = %s", [config_id]) > 0
