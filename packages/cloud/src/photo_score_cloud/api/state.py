"""What one API process holds for its lifetime (no per-user state: workers are stateless)."""

from __future__ import annotations

from dataclasses import dataclass

from photo_score_cloud.db import Database
from photo_score_cloud.services.auth import AuthProvider
from photo_score_cloud.services.inference import VisionEngine
from photo_score_cloud.settings import CloudSettings


@dataclass
class CloudState:
    settings: CloudSettings
    db: Database
    auth: AuthProvider
    vision: VisionEngine

    async def aclose(self) -> None:
        await self.vision.aclose()
        await self.auth.aclose()
        await self.db.close()
