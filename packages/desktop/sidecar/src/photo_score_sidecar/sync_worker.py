"""Background sync: the CLI's push-then-pull round, run whenever signed in and online.

One thread. Signed out → it checks again now and then (the CLI's ``photo-score login``
writes the session into the same PHOTO_SCORE_HOME). Offline → exponential backoff with
jitter, capped. A finished scoring job nudges it so new results travel at once. Its state
(last sync, pending count, last error) is what ``GET /api/account`` reports.
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass
from typing import Literal

import httpx

from photo_score.credentials import CredentialStore
from photo_score.settings import Settings
from photo_score.storage.cache import Cache
from photo_score.sync.client import SyncClient
from photo_score.sync.session import (
    CloudClient,
    CloudError,
    CloudSession,
    CloudUnreachable,
    NotSignedIn,
    SessionStore,
)

log = logging.getLogger(__name__)

State = Literal["signed_out", "syncing", "idle", "offline", "error", "stopped"]

INTERVAL_S = 60.0  # between rounds while everything is fine
SIGNED_OUT_CHECK_S = 15.0
BACKOFF_BASE_S = 2.0
BACKOFF_MAX_S = 300.0


def backoff_delay(failures: int, *, rng: random.Random | None = None) -> float:
    """2 s, 4 s, 8 s … capped at 5 min, with ±20 % jitter so devices do not align."""
    base = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2.0 ** max(0, failures - 1))
    jitter: float = (rng or random).random()
    return base * (0.8 + 0.4 * jitter)


@dataclass(frozen=True)
class SyncStatus:
    signed_in: bool
    server_url: str | None
    email: str | None
    state: State
    last_sync_at: str | None
    pending: int
    last_error: str | None
    consecutive_failures: int


class BackgroundSync:
    def __init__(
        self,
        settings: Settings,
        cache: Cache,
        credentials: CredentialStore,
        *,
        interval_s: float = INTERVAL_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.store = SessionStore(credentials)
        self.interval_s = interval_s
        self._transport = transport
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._state: State = "signed_out"
        self._last_error: str | None = None
        self._failures = 0
        self._rounds = 0
        self._client: CloudClient | None = None
        self._thread = threading.Thread(target=self._run, name="cloud-sync", daemon=True)

    def start(self) -> BackgroundSync:
        self._thread.start()
        return self

    def nudge(self) -> None:
        """Sync soon (new results, a login, the network came back)."""
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    @property
    def rounds(self) -> int:
        """Finished rounds (successful or not): lets callers wait for "the next one"."""
        with self._lock:
            return self._rounds

    def session(self) -> CloudSession | None:
        return self.store.load(self.settings.cloud_url)

    def cloud(self) -> CloudClient | None:
        """A client for the signed-in account (shared with cloud inference), or None."""
        session = self.session()
        if session is None:
            return None
        with self._lock:
            if self._client is None or self._client.server_url != session.server_url:
                if self._client is not None:
                    self._client.close()
                self._client = CloudClient(
                    session.server_url, self.store, transport=self._transport
                )
            return self._client

    def status(self) -> SyncStatus:
        session = self.session()
        with self._lock:
            state, error, failures = self._state, self._last_error, self._failures
        if session is None:
            return SyncStatus(False, self.settings.cloud_url, None, "signed_out", None, 0, None, 0)
        row = self.cache.sync_state(session.namespace, session.server_url, session.user_id)
        return SyncStatus(
            signed_in=True,
            server_url=session.server_url,
            email=session.email,
            state=state if state != "signed_out" else "idle",
            last_sync_at=row.last_sync_at,
            pending=self.cache.sync_pending_count(session.namespace),
            last_error=error if error is not None else row.last_error,
            consecutive_failures=failures,
        )

    def _set(self, state: State, error: str | None = None) -> None:
        with self._lock:
            self._state = state
            self._last_error = error

    def _run(self) -> None:
        while not self._stop.is_set():
            delay = self._round()
            with self._lock:
                self._rounds += 1
            self._wake.wait(delay)
            self._wake.clear()
        self._set("stopped")

    def _round(self) -> float:
        """One attempt; returns how long to wait before the next one."""
        cloud = self.cloud()
        if cloud is None:
            self._set("signed_out")
            with self._lock:
                self._failures = 0
            return SIGNED_OUT_CHECK_S
        self._set("syncing")
        try:
            report = SyncClient(self.cache, cloud).sync()
        except NotSignedIn as exc:
            self._set("signed_out", str(exc))
            return SIGNED_OUT_CHECK_S
        except CloudUnreachable as exc:
            return self._failed("offline", str(exc))
        except CloudError as exc:
            return self._failed("error", str(exc))
        except Exception as exc:  # a bug must not kill the thread; report it and back off
            log.exception("background sync failed")
            return self._failed("error", f"internal error ({type(exc).__name__}: {exc})")
        log.info("synced: pushed %d, pulled %d", report.pushed, report.pulled)
        with self._lock:
            self._failures = 0
        self._set("idle")
        return self.interval_s

    def _failed(self, state: State, error: str) -> float:
        with self._lock:
            self._failures += 1
            failures = self._failures
        self._set(state, error)
        return backoff_delay(failures)
