"""/configs: the caller's scoring configs (private; sharing is reserved for later)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from photo_score_cloud.api.deps import SessionDep
from photo_score_cloud.api.schemas import ConfigCreate, ConfigList, ConfigOut, ConfigUpdate
from photo_score_cloud.errors import InvalidInput
from photo_score_cloud.services import configs

router = APIRouter(prefix="/configs", tags=["configs"])

ConfigId = Annotated[uuid.UUID, Path(description="The config's id.")]


def _reject_public(is_public: bool | None) -> None:
    if is_public:
        raise InvalidInput(
            "is_public: sharing configs is not available yet", code="public_not_available"
        )


def _out(row: dict[str, Any]) -> ConfigOut:
    return ConfigOut.model_validate(row)


@router.get("")
async def read_configs(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ConfigList:
    rows = await configs.list_configs(session=session, limit=limit, offset=offset)
    return ConfigList(data=[_out(r) for r in rows], count=len(rows))


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_config(body: ConfigCreate, session: SessionDep) -> ConfigOut:
    _reject_public(body.is_public)
    return _out(await configs.create_config(session=session, name=body.name, config=body.config))


@router.get("/{config_id}")
async def read_config(config_id: ConfigId, session: SessionDep) -> ConfigOut:
    return _out(await configs.get_config(session=session, config_id=str(config_id)))


@router.patch("/{config_id}")
async def update_config(config_id: ConfigId, body: ConfigUpdate, session: SessionDep) -> ConfigOut:
    _reject_public(body.is_public)
    return _out(
        await configs.update_config(
            session=session, config_id=str(config_id), name=body.name, config=body.config
        )
    )


@router.delete("/{config_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_config(config_id: ConfigId, session: SessionDep) -> Response:
    await configs.delete_config(session=session, config_id=str(config_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
