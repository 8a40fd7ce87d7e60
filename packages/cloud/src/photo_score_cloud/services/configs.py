"""Scoring configs: private to their owner, validated by the core before they are stored."""

from __future__ import annotations

import json
from typing import Any

from photo_score.scoring import parse_config
from photo_score_cloud.errors import NotFound
from photo_score_cloud.identity import Session
from photo_score_cloud.repository import configs


def validate(config: dict[str, Any]) -> dict[str, Any]:
    """The config as sent, once the core accepts it (ConfigError → 422 names the key)."""
    parse_config(json.dumps(config), "config")
    return config


async def list_configs(*, session: Session, limit: int, offset: int) -> list[dict[str, Any]]:
    async with session.user() as tx:
        return await configs.list_configs(tx, limit=limit, offset=offset)


async def get_config(*, session: Session, config_id: str) -> dict[str, Any]:
    async with session.user() as tx:
        row = await configs.get_config(tx, config_id=config_id)
    if row is None:
        raise NotFound(f"no scoring config {config_id}")
    return row


async def create_config(*, session: Session, name: str, config: dict[str, Any]) -> dict[str, Any]:
    validate(config)
    async with session.user() as tx:
        return await configs.create_config(tx, user_id=session.user_id, name=name, config=config)


async def update_config(
    *, session: Session, config_id: str, name: str | None, config: dict[str, Any] | None
) -> dict[str, Any]:
    if config is not None:
        validate(config)
    async with session.user() as tx:
        row = await configs.update_config(tx, config_id=config_id, name=name, config=config)
    if row is None:
        raise NotFound(f"no scoring config {config_id}")
    return row


async def delete_config(*, session: Session, config_id: str) -> None:
    async with session.user() as tx:
        deleted = await configs.delete_config(tx, config_id=config_id)
    if not deleted:
        raise NotFound(f"no scoring config {config_id}")
