"""The photography personality across everything a user has in the cloud.

The profile is the core's :func:`~photo_score.recommendations.personality_from_records` over
the user's cached_attributes rows — never re-implemented here — so it is the same profile
``photo-score insights`` computes from the same results. It is cached in
personality_profiles under a key made of the algorithm VERSION, the photo count and the
highest sync sequence number among the user's rows: a read serves the cached profile while
the key still matches and recomputes on the spot when it does not (a photo was added,
changed or removed). The worker's
``personality_refresh`` task recomputes it ahead of time.

Scores: the cloud has no per-user scoring config for the personality yet, so final scores
come from the core's default config (as ``insights`` without ``--config``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from photo_score.recommendations import VERSION, PersonalityProfile, personality_from_records
from photo_score_cloud.db import Database
from photo_score_cloud.identity import Session
from photo_score_cloud.repository import recommendations as repo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredProfile:
    profile: PersonalityProfile
    photo_count: int
    computed_at: datetime
    fresh: bool  # computed by this call (False: served from the cache)


def inputs_key(photo_count: int, max_seq: int) -> str:
    return f"{VERSION}:{photo_count}:{max_seq}"


def user_claims(user_id: str) -> dict[str, Any]:
    """What RLS needs to read as ``user_id`` outside a request (the worker)."""
    return {"sub": user_id, "role": "authenticated"}


def _parse(stored: str | None) -> PersonalityProfile | None:
    if stored is None:
        return None
    try:
        return PersonalityProfile.model_validate_json(stored)
    except ValidationError:  # written by another version of the model: recompute
        return None


async def compute(db: Database, *, user_id: str, claims: Mapping[str, Any]) -> StoredProfile:
    """Read the user's results under RLS, compute the profile, store it (service_role)."""
    async with db.as_user(claims) as tx:
        records, max_seq = await repo.load_records(tx, user_id=user_id)
    profile = await asyncio.to_thread(personality_from_records, records)
    async with db.as_service() as tx:
        computed_at = await repo.store_profile(
            tx,
            user_id=user_id,
            profile_json=profile.model_dump_json(),
            photo_count=len(records),
            inputs_key=inputs_key(len(records), max_seq),
        )
    log.info("personality computed", extra={"photo_count": len(records)})
    return StoredProfile(profile, len(records), computed_at, fresh=True)


async def personality(*, session: Session) -> StoredProfile:
    """The caller's profile: the cached one while their data is unchanged, else recomputed."""
    async with session.user() as tx:
        count, max_seq = await repo.fingerprint(tx, user_id=session.user_id)
        cached = await repo.get_profile(tx, user_id=session.user_id)
    if cached is not None and cached["inputs_key"] == inputs_key(count, max_seq):
        profile = _parse(cached["profile_json"])
        if profile is not None:
            return StoredProfile(profile, count, cached["computed_at"], fresh=False)
    return await compute(session.db, user_id=session.user_id, claims=session.principal.claims)


async def refresh_for_user(db: Database, *, user_id: str) -> StoredProfile:
    """The worker's recomputation (reads as the user, so RLS still applies)."""
    return await compute(db, user_id=user_id, claims=user_claims(user_id))
