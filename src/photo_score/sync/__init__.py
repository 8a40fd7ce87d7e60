"""Client side of cloud sync: the account session, and push-then-pull rounds."""

from __future__ import annotations

from photo_score.sync.client import SyncClient, SyncReport
from photo_score.sync.session import (
    CloudClient,
    CloudError,
    CloudNotConfigured,
    CloudSession,
    CloudUnreachable,
    LoginFailed,
    NotSignedIn,
    PaymentRequired,
    SessionStore,
)

__all__ = [
    "CloudClient",
    "CloudError",
    "CloudNotConfigured",
    "CloudSession",
    "CloudUnreachable",
    "LoginFailed",
    "NotSignedIn",
    "PaymentRequired",
    "SessionStore",
    "SyncClient",
    "SyncReport",
]
