"""Request and response bodies that exist only at the HTTP edge (the rest are core models)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from photo_score.buy_credits import CreditPlan
from photo_score.catalog import LibraryStats, PhotoPage, PhotoQuery
from photo_score.jobs import JobProgress
from photo_score.xmp import SidecarCounts


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    pid: int


class LibraryFolderOut(BaseModel):
    id: int
    path: str
    name: str
    added_at: str
    exists: bool
    photo_count: int
    scored_count: int


class AddFolder(BaseModel):
    path: str = Field(min_length=1, description="A folder on this computer.")


class StartJob(BaseModel):
    folder: str | None = Field(
        default=None, description="A folder inside the library; default: every library folder."
    )
    folder_id: int | None = Field(default=None, description="A library folder id instead.")
    analyzer: Literal["local", "auto", "openrouter", "cloud"] = Field(
        default="local",
        description="cloud: the photo-score cloud's vision models, 1 credit a photo; the job "
        "stops when the credits run out (payment_required says what to buy). auto: the cloud "
        "while there are credits, then your own key or the local analyzer.",
    )


class ConfigOut(BaseModel):
    name: str
    yaml: str
    parsed: dict[str, Any]
    schema_: dict[str, Any] = Field(alias="schema")
    fingerprint: str
    source: Literal["default", "file"]
    path: str

    model_config = {"populate_by_name": True}


class ConfigIn(BaseModel):
    """A config as YAML text, or as the parsed mapping (what ``GET /api/config`` returns)."""

    yaml: str | None = None
    config: dict[str, Any] | None = None


class ConfigPreviewIn(ConfigIn):
    query: PhotoQuery = Field(default_factory=PhotoQuery)


class ConfigPreviewOut(BaseModel):
    fingerprint: str
    page: PhotoPage
    stats: LibraryStats


class TasteIn(BaseModel):
    folder_id: int | None = Field(
        default=None, description="Learn from one library folder; default: the whole library."
    )


class Dashboard(BaseModel):
    stats: LibraryStats
    jobs: list[JobProgress]  # queued and running
    libraries: int


class SettingsOut(BaseModel):
    openrouter_key_set: bool
    source: Literal["keyring", "file", "environment", "none"]
    secret_backend: Literal["keyring", "file"]
    home: str
    workers: int


class OpenRouterKeyIn(BaseModel):
    key: str = Field(min_length=1, max_length=4096)


class SyncState(BaseModel):
    """Background sync of this device (see docs/sync.md)."""

    state: Literal["signed_out", "syncing", "idle", "offline", "error", "stopped"]
    last_sync_at: str | None = None
    pending: int = Field(description="Images with results not yet on the server.")
    last_error: str | None = None
    consecutive_failures: int = 0


class AccountStatus(BaseModel):
    available: bool
    reason: str | None = None
    signed_in: bool = False
    email: str | None = None
    server_url: str | None = None
    sync: SyncState | None = None


class LoginIn(BaseModel):
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class CheckoutIn(BaseModel):
    plan_id: str = Field(min_length=1, max_length=64, description="A pack from the credits.")
    open_in_browser: bool = Field(
        default=False,
        description="Open the checkout page in the system browser from here (the desktop "
        "window); a plain browser tab opens the returned URL itself.",
    )


class CheckoutOut(BaseModel):
    checkout_url: str = Field(description="Stripe Checkout (http or https only).")
    session_id: str
    plan: CreditPlan
    opened: bool = Field(description="The sidecar opened it in the system browser.")


class XmpIn(BaseModel):
    folder_id: int | None = Field(
        default=None, description="A library folder; default: every library folder."
    )
    naming: Literal["adobe", "darktable"] = Field(
        default="adobe",
        description="adobe: IMG_0001.xmp (Lightroom, Capture One, Bridge); "
        "darktable: IMG_0001.CR3.xmp (darktable, digiKam).",
    )
    overwrite: bool = Field(
        default=False, description="Replace ratings and labels set by hand too."
    )
    dry_run: bool = Field(default=False, description="Say what would change; write nothing.")


class XmpAutoIn(BaseModel):
    enabled: bool
    naming: Literal["adobe", "darktable"] = "adobe"


class XmpFailure(BaseModel):
    photo: str
    error: str


class XmpOut(SidecarCounts):
    """What writing the sidecars did; photos are never modified."""

    dry_run: bool
    naming: Literal["adobe", "darktable"]
    failures: list[XmpFailure] = Field(description="The first 100 failures, each with why.")


class XmpAutoOut(BaseModel):
    """Live XMP: sidecars rewritten after every scoring job and config change."""

    enabled: bool
    naming: Literal["adobe", "darktable"]
    busy: bool = Field(description="A pass is running or about to.")
    last: XmpOut | None = Field(description="What the last pass of this launch did.")
    error: str | None = Field(description="Why the last pass failed, if it did.")


class RatingIn(BaseModel):
    rating: int = Field(ge=-1, le=5, description="-1 rejected, 0 none, 1–5 stars.")


class RatingOut(BaseModel):
    rating: int | None = Field(description="Your rating now; None when cleared.")
    sidecar: str = Field(description="The XMP sidecar it was written to.")
