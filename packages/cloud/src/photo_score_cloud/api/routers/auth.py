"""/auth: sign-up, login, refresh, logout and the caller's account."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from photo_score_cloud.api.deps import (
    AuthAttemptLimit,
    CurrentUser,
    DatabaseDep,
    ProviderDep,
    SessionDep,
    SettingsDep,
    TokenDep,
)
from photo_score_cloud.api.schemas import (
    Credentials,
    MeOut,
    RefreshRequest,
    SessionOut,
    SignupOut,
    UserOut,
)
from photo_score_cloud.services import auth, credits
from photo_score_cloud.services.auth import AuthSession

router = APIRouter(prefix="/auth", tags=["auth"])


def _session_out(s: AuthSession) -> SessionOut:
    return SessionOut(
        access_token=s.access_token,
        expires_in=s.expires_in,
        expires_at=s.expires_at,
        refresh_token=s.refresh_token,
        user=UserOut(id=s.user_id, email=s.email),
    )


@router.post(
    "/signup",
    status_code=status.HTTP_201_CREATED,
    dependencies=[AuthAttemptLimit],
)
async def signup(
    body: Credentials, db: DatabaseDep, provider: ProviderDep, settings: SettingsDep
) -> SignupOut:
    result = await auth.signup(
        db=db, provider=provider, settings=settings, email=body.email, password=body.password
    )
    session = None if result.session is None else _session_out(result.session)
    return SignupOut(user=UserOut(id=result.user_id, email=result.email), session=session)


@router.post("/login", dependencies=[AuthAttemptLimit])
async def login(
    body: Credentials, db: DatabaseDep, provider: ProviderDep, settings: SettingsDep
) -> SessionOut:
    return _session_out(
        await auth.login(
            db=db, provider=provider, settings=settings, email=body.email, password=body.password
        )
    )


@router.post("/refresh", dependencies=[AuthAttemptLimit])
async def refresh(body: RefreshRequest, provider: ProviderDep) -> SessionOut:
    return _session_out(await provider.refresh(refresh_token=body.refresh_token))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(user: CurrentUser, token: TokenDep, provider: ProviderDep) -> Response:
    await provider.logout(principal=user, access_token=token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me")
async def read_me(session: SessionDep) -> MeOut:
    balance = await credits.balance(session=session)
    principal = session.principal
    return MeOut(user=UserOut(id=principal.user_id, email=principal.email), credits=balance)
