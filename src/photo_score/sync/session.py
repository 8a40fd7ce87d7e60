"""The cloud account on this device: login, token refresh, logout, authenticated requests.

Tokens are stored like the OpenRouter key (OS keyring, else a 0600 file in
``PHOTO_SCORE_HOME``), as one JSON value naming the server, so a session for one server is
never sent to another. Access tokens are refreshed shortly before they expire and once more
if the server answers 401.
"""

from __future__ import annotations

import json
import threading
import time
import weakref
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from photo_score.credentials import CredentialStore
from photo_score.errors import PhotoScoreError, UsageError

SESSION_KEY = "cloud_session"
REFRESH_MARGIN_S = 60


class CloudError(PhotoScoreError):
    """The cloud could not be reached or refused the request."""

    exit_code = 3


class NotSignedIn(CloudError):
    exit_code = 2


class CloudUnreachable(CloudError):
    """No connection (offline, server down, dropped connection): retry later."""


class PaymentRequired(CloudError):
    """402: out of credits."""


class LoginFailed(UsageError):
    """The cloud refused the e-mail and password (or the account cannot sign in yet)."""


class CloudNotConfigured(UsageError):
    """No cloud server is known: PHOTO_SCORE_CLOUD_URL is unset and no session is stored."""


@dataclass(frozen=True)
class CloudSession:
    server_url: str
    user_id: str
    email: str | None
    access_token: str
    refresh_token: str
    expires_at: int  # epoch seconds

    @property
    def namespace(self) -> str:
        """What the device's sync state is keyed by: one account on one server."""
        return namespace(self.server_url, self.user_id)


def namespace(server_url: str, user_id: str) -> str:
    return f"{normalize_url(server_url)} {user_id}"


def normalize_url(url: str) -> str:
    return url.strip().rstrip("/")


class SessionStore:
    def __init__(self, credentials: CredentialStore) -> None:
        self._credentials = credentials

    def load(self, server_url: str | None = None) -> CloudSession | None:
        raw = self._credentials.get(SESSION_KEY)
        if raw is None:
            return None
        try:
            session = CloudSession(**json.loads(raw))
        except (TypeError, ValueError):
            return None
        if server_url is not None and session.server_url != normalize_url(server_url):
            return None
        return session

    def save(self, session: CloudSession) -> None:
        self._credentials.set(SESSION_KEY, json.dumps(asdict(session), separators=(",", ":")))

    def clear(self) -> None:
        self._credentials.delete(SESSION_KEY)


def _session_from(server_url: str, body: dict[str, Any]) -> CloudSession:
    return CloudSession(
        server_url=normalize_url(server_url),
        user_id=str(body["user"]["id"]),
        email=body["user"].get("email"),
        access_token=str(body["access_token"]),
        refresh_token=str(body["refresh_token"]),
        expires_at=int(body["expires_at"]),
    )


def error_detail(response: httpx.Response) -> str:
    """The cloud's own message of an error response (its ``error.message``), else the body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    return json.dumps(body)[:300]


class CloudClient:
    """HTTP to the photo-score cloud on behalf of the signed-in account (thread-safe)."""

    def __init__(
        self,
        server_url: str,
        store: SessionStore,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.server_url = normalize_url(server_url)
        self.store = store
        self._lock = threading.Lock()
        self._http = httpx.Client(base_url=self.server_url, timeout=timeout, transport=transport)
        # Closed with the client object at the latest (a run that never needed it).
        self._finalizer = weakref.finalize(self, self._http.close)

    def close(self) -> None:
        self._finalizer()

    def __enter__(self) -> CloudClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def session(self) -> CloudSession | None:
        return self.store.load(self.server_url)

    def require_session(self) -> CloudSession:
        session = self.session
        if session is None:
            raise NotSignedIn(
                f"not signed in to {self.server_url}: run `photo-score login` "
                "(or sign in on the app's Account screen)"
            )
        return session

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise CloudUnreachable(f"cannot reach {self.server_url}: {exc}") from exc

    # -- account ------------------------------------------------------------------------

    def login(self, email: str, password: str) -> CloudSession:
        response = self._send("POST", "/auth/login", json={"email": email, "password": password})
        if response.status_code >= 500:
            raise CloudUnreachable(
                f"{self.server_url} cannot sign you in right now "
                f"({response.status_code}: {error_detail(response)}); retry later"
            )
        if response.status_code != 200:
            raise LoginFailed(f"login failed: {error_detail(response)}")
        session = _session_from(self.server_url, response.json())
        self.store.save(session)
        return session

    def logout(self) -> None:
        """Revoke the session on the server when reachable; forget it here in any case."""
        session = self.session
        if session is None:
            return
        try:
            self._send("POST", "/auth/logout", headers=self._auth(session))
        except CloudUnreachable:
            pass
        finally:
            self.store.clear()

    def _auth(self, session: CloudSession) -> dict[str, str]:
        return {"Authorization": f"Bearer {session.access_token}"}

    def _refresh(self, stale: CloudSession) -> CloudSession:
        with self._lock:
            current = self.require_session()
            if current.access_token != stale.access_token:
                return current  # another thread refreshed already
            response = self._send(
                "POST", "/auth/refresh", json={"refresh_token": current.refresh_token}
            )
            if response.status_code != 200:
                if response.status_code in (400, 401, 403):
                    self.store.clear()
                    raise NotSignedIn(
                        "the cloud session expired: sign in again "
                        "(`photo-score login`, or the app's Account screen)"
                    )
                raise CloudError(f"token refresh failed: {error_detail(response)}")
            session = _session_from(self.server_url, response.json())
            self.store.save(session)
            return session

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """An authenticated request; refreshes the token before expiry and once on 401."""
        session = self.require_session()
        extra: dict[str, str] = kwargs.pop("headers", None) or {}
        if session.expires_at - REFRESH_MARGIN_S < time.time():
            session = self._refresh(session)
        response = self._send(method, path, headers={**extra, **self._auth(session)}, **kwargs)
        if response.status_code == 401:
            session = self._refresh(session)
            response = self._send(method, path, headers={**extra, **self._auth(session)}, **kwargs)
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        if response.status_code == 402:
            raise PaymentRequired(f"out of credits: {error_detail(response)}")
        if response.status_code >= 500:
            raise CloudUnreachable(f"{self.server_url} answered {response.status_code}")
        if response.status_code >= 400:
            raise CloudError(
                f"{method} {path} failed ({response.status_code}): {error_detail(response)}"
            )
        return response.json()

    def me(self) -> dict[str, Any]:
        """The account and its credit balance."""
        body: dict[str, Any] = self.json("GET", "/auth/me")
        return body


def cloud_client(
    home: Path,
    server_url: str | None,
    *,
    use_keyring: bool = True,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 30.0,
) -> CloudClient:
    """The client for ``server_url`` (PHOTO_SCORE_CLOUD_URL), or for the server the stored
    session belongs to when none is configured."""
    store = SessionStore(CredentialStore(home, use_keyring=use_keyring))
    url = server_url
    if not url:
        stored = store.load()
        url = stored.server_url if stored is not None else None
    if not url:
        raise CloudNotConfigured("no cloud server: set PHOTO_SCORE_CLOUD_URL or pass --server")
    return CloudClient(url, store, transport=transport, timeout=timeout)
