"""Dependencies as ``Annotated`` aliases, so route signatures read as documentation."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from photo_score_cloud.api.state import CloudState
from photo_score_cloud.db import Database
from photo_score_cloud.errors import Unauthorized
from photo_score_cloud.identity import Principal, Session
from photo_score_cloud.services import auth, rate_limit
from photo_score_cloud.services.auth import AuthProvider
from photo_score_cloud.services.inference import VisionEngine
from photo_score_cloud.settings import CloudSettings

_bearer = HTTPBearer(auto_error=False, description="An access token from /auth/login.")


def get_state(request: Request) -> CloudState:
    state: CloudState = request.app.state.cloud
    return state


StateDep = Annotated[CloudState, Depends(get_state)]


def get_settings(state: StateDep) -> CloudSettings:
    return state.settings


def get_db(state: StateDep) -> Database:
    return state.db


def get_provider(state: StateDep) -> AuthProvider:
    return state.auth


def get_vision(state: StateDep) -> VisionEngine:
    return state.vision


SettingsDep = Annotated[CloudSettings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_db)]
ProviderDep = Annotated[AuthProvider, Depends(get_provider)]
VisionDep = Annotated[VisionEngine, Depends(get_vision)]


def get_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None or not credentials.credentials:
        raise Unauthorized("sign in first: no bearer token", code="missing_token")
    return credentials.credentials


TokenDep = Annotated[str, Depends(get_token)]


async def get_current_user(token: TokenDep, state: StateDep, request: Request) -> Principal:
    principal = await state.auth.verify(token)
    await auth.admit(db=state.db, provider=state.auth, principal=principal, settings=state.settings)
    request.state.user_id = principal.user_id  # for the access log
    return principal


CurrentUser = Annotated[Principal, Depends(get_current_user)]


def get_session(principal: CurrentUser, db: DatabaseDep) -> Session:
    return Session(db, principal)


SessionDep = Annotated[Session, Depends(get_session)]


async def limit_auth_attempts(request: Request, state: StateDep) -> None:
    """Sign-up, login and refresh: limited per client address (before any identity)."""
    host = request.client.host if request.client else "unknown"
    await rate_limit.check(
        db=state.db, bucket=f"ip:{host}:auth", per_minute=state.settings.auth_rate_limit_per_minute
    )


async def limit_inference(session: SessionDep, state: StateDep) -> None:
    await rate_limit.check(
        db=state.db,
        bucket=f"user:{session.user_id}:inference",
        per_minute=state.settings.inference_rate_limit_per_minute,
    )


AuthAttemptLimit = Depends(limit_auth_attempts)
InferenceLimit = Depends(limit_inference)
