"""Vision inference paid by credits: verify the upload, answer from storage, or charge,
run the core's vision pipeline with the server's key, store, and refund on failure.

The image lives only in this request's memory: it is decoded, downscaled and re-encoded
to the one JPEG the models see, and neither form is written to disk or the database.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import logging
import re
from dataclasses import dataclass, replace
from typing import Any

from photo_score.inference.batch import client_options
from photo_score.inference.client import VisionClient
from photo_score.inference.pipeline import PhotoPipeline, PhotoRun
from photo_score.inference.vision_image import VisionImage, encode_rgb
from photo_score.ingest.decode import prepare_bytes
from photo_score.models import AnalysisResult
from photo_score.scoring import ScoringConfig, VisionConfig, default_config, load_config
from photo_score_cloud.errors import InvalidInput, PayloadTooLarge
from photo_score_cloud.identity import Session
from photo_score_cloud.repository import analyses, ledger
from photo_score_cloud.services import credits
from photo_score_cloud.settings import CloudSettings

log = logging.getLogger(__name__)

_DATA_URL = re.compile(r"^data:image/[a-z0-9.+-]+;base64,", re.IGNORECASE)


@dataclass(frozen=True)
class Upload:
    """What the pipeline needs of a photo; ``path`` is a label, there is no file."""

    image_id: str
    path: str = "upload"


class _UploadRun(PhotoRun):
    """A pipeline run whose JPEG is already prepared from the uploaded bytes."""

    def __init__(self, pipeline: PhotoPipeline, photo: Upload, image: VisionImage) -> None:
        super().__init__(pipeline, photo, 0, None)
        self._upload = image

    async def image(self) -> VisionImage:
        return self._upload


class VisionEngine:
    """One per process: one HTTP client (connection pool, limits) for every request."""

    def __init__(self, settings: CloudSettings, config: ScoringConfig | None = None) -> None:
        scoring = config or default_config()
        self.vision: VisionConfig = scoring.vision
        key = settings.openrouter_api_key
        options = replace(
            client_options(self.vision),
            base_url=settings.openrouter_base_url,
            api_key=None if key is None else key.get_secret_value(),
            local=None,
        )
        self.client = VisionClient(options)
        self.pipeline = PhotoPipeline(self.client, self.vision, None)
        self.max_pixels = settings.max_image_pixels

    @classmethod
    def from_settings(cls, settings: CloudSettings) -> VisionEngine:
        path = settings.scoring_config
        return cls(settings, None if path is None else load_config(path))

    @property
    def analyzer(self) -> str:
        return "openrouter"

    async def aclose(self) -> None:
        await self.client.aclose()

    def prepare(self, data: bytes, image_id: str) -> VisionImage:
        """Decode with the core's checks (formats, pixel limit, orientation), re-encode."""
        photo = prepare_bytes(
            data,
            image_id,
            preview_size=self.vision.image_long_edge,
            max_pixels=self.max_pixels,
        )
        return encode_rgb(photo.preview, self.vision.image_long_edge)

    async def run(self, image_id: str, image: VisionImage) -> AnalysisResult:
        return await _UploadRun(self.pipeline, Upload(image_id), image).execute()


def decode_image_data(text: str, *, max_bytes: int) -> bytes:
    """Strict base64 (a ``data:image/...;base64,`` prefix is allowed)."""
    text = _DATA_URL.sub("", text.strip(), count=1)
    if len(text) > (max_bytes * 4) // 3 + 4:
        raise PayloadTooLarge(
            f"image_data: the image is over the {max_bytes // (1024 * 1024)} MiB limit",
            code="image_too_large",
        )
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("image_data: not valid base64", code="invalid_base64") from None
    if not data:
        raise InvalidInput("image_data: empty", code="invalid_base64")
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"image_data: the image is over the {max_bytes // (1024 * 1024)} MiB limit",
            code="image_too_large",
        )
    return data


def _response(
    image_id: str, row: dict[str, Any], *, cached: bool, charged: int, remaining: int
) -> dict[str, Any]:
    analysis = row["analysis"] or {}
    return {
        "image_id": image_id,
        "attributes": row["attributes"],
        "features": analysis.get("features", {}),
        "critique": analysis.get("critique"),
        "description": analysis.get("description"),
        "notes": analysis.get("notes", {}),
        "measurements": analysis.get("measurements", {}),
        "confidence": analysis.get("confidence"),
        "analyzer": row["analyzer"],
        "model": row["model"],
        "version": row["version"],
        "cached": cached,
        "credits_charged": charged,
        "credits_remaining": remaining,
    }


async def analyze(
    *,
    session: Session,
    engine: VisionEngine,
    settings: CloudSettings,
    image_data: str,
    image_hash: str,
) -> dict[str, Any]:
    data = decode_image_data(image_data, max_bytes=settings.max_image_bytes)
    image_id = hashlib.sha256(data).hexdigest()
    if image_id != image_hash.lower():
        raise InvalidInput(
            "image_hash: does not match the SHA-256 of image_data", code="hash_mismatch"
        )
    pipeline = engine.pipeline
    key = {"analyzer": engine.analyzer, "model": pipeline.model_id, "version": pipeline.version}
    async with session.user() as tx:
        stored = await analyses.find_result(tx, user_id=session.user_id, image_id=image_id, **key)
        if stored is not None:
            remaining = await ledger.balance(tx, user_id=session.user_id)
            return _response(image_id, stored, cached=True, charged=0, remaining=remaining)

    image = await asyncio.to_thread(engine.prepare, data, image_id)
    del data
    remaining = await credits.reserve_analysis(
        session=session,
        image_id=image_id,
        lease_seconds=settings.inference_lease_seconds,
        purchase_url=settings.credits_purchase_url,
    )
    try:
        result = await engine.run(image_id, image)
        analysis = result.model_dump(
            mode="json",
            include={"features", "critique", "description", "notes", "measurements", "confidence"},
        )
        async with session.service() as tx:
            await analyses.store_result(
                tx,
                user_id=session.user_id,
                image_id=image_id,
                attributes=dict(result.attributes),
                analysis=analysis,
                **key,
            )
            await analyses.finish(tx, user_id=session.user_id, image_id=image_id, status="done")
    except BaseException:
        await asyncio.shield(credits.refund_analysis(session=session, image_id=image_id))
        log.info("analysis failed; credit refunded", extra={"image_id": image_id})
        raise
    row = {"attributes": dict(result.attributes), "analysis": analysis, **key}
    return _response(
        image_id, row, cached=False, charged=credits.INFERENCE_COST, remaining=remaining
    )
