"""Cloud inference: the photo-score cloud runs the vision models and charges credits.

The device sends the one downscaled JPEG it prepared from the already-decoded preview (no
EXIF: GPS and serial numbers never leave inside an image) and the SHA-256 of exactly those
bytes; never the original file. Out of credits (402: :class:`OutOfCreditsError`, carrying the
packs and the checkout request) or signed out → AnalyzerUnavailableError, which stops the
run cleanly (the rest is left unanalyzed); under ``auto`` the :class:`FallbackAnalyzer` turns
that into "the rest of the run uses the local analyzer".
"""

from __future__ import annotations

import base64
import logging
import threading
from typing import Any

import httpx

from photo_score.buy_credits import buy_credits_message, parse_out_of_credits
from photo_score.errors import AnalyzerError, AnalyzerUnavailableError, OutOfCreditsError
from photo_score.inference.base import Analyzer
from photo_score.inference.vision_image import encode_rgb
from photo_score.ingest.prepared import PreparedPhoto
from photo_score.models import AnalysisResult, Critique, utcnow
from photo_score.sync.session import CloudClient, CloudError, CloudUnreachable, NotSignedIn

log = logging.getLogger(__name__)

CONNECT_OR_BUY = (
    "sign in and buy credits (`photo-score login`, then `photo-score credits buy PLAN`), "
    "or set OPENROUTER_API_KEY to use your own key"
)


def _out_of_credits(response: httpx.Response, server_url: str) -> OutOfCreditsError:
    """The 402 as the CLI and the desktop word it (packs and where to buy them), with the
    cloud's offer attached for the desktop's "Buy credits"."""
    try:
        body = response.json()
        message = f"out of cloud credits: {buy_credits_message(body, server_url)}"
    except Exception:  # an unexpected body must not hide the 402 itself
        body, message = None, f"out of cloud credits: {CONNECT_OR_BUY}"
    return OutOfCreditsError(message, parse_out_of_credits(body, server_url))


class CloudAnalyzer(Analyzer):
    name = "cloud"
    model = "photo-score-cloud"
    version = "1"

    def __init__(self, cloud: CloudClient, *, long_edge: int = 1024) -> None:
        self.cloud = cloud
        self.long_edge = long_edge
        self._lock = threading.Lock()
        self._stats: dict[str, float] = {"calls": 0, "credits_charged": 0, "cached": 0}

    def analyze(self, photo: PreparedPhoto) -> AnalysisResult:
        image = encode_rgb(photo.preview, self.long_edge)
        body = {
            "image_data": base64.b64encode(image.jpeg).decode("ascii"),
            "image_hash": image.digest,
        }
        try:
            response = self.cloud.request("POST", "/inference/analyze", json=body)
        except NotSignedIn as exc:
            raise AnalyzerUnavailableError(f"cloud inference: {exc}") from exc
        except CloudUnreachable as exc:
            raise AnalyzerUnavailableError(f"cloud inference is unreachable: {exc}") from exc
        except CloudError as exc:
            raise AnalyzerError(f"cloud inference failed: {exc}") from exc
        if response.status_code == 402:
            raise _out_of_credits(response, self.cloud.server_url)
        if response.status_code != 200:
            raise AnalyzerError(f"cloud inference failed ({response.status_code})")
        data: dict[str, Any] = response.json()
        with self._lock:
            self._stats["calls"] += 1
            self._stats["credits_charged"] += int(data.get("credits_charged", 0))
            self._stats["cached"] += bool(data.get("cached"))
            self._stats["credits_remaining"] = float(data.get("credits_remaining", 0))
        critique = data.get("critique")
        return AnalysisResult(
            image_id=photo.image_id,
            analyzer=self.name,
            model=self.model,
            version=self.version,
            attributes=data.get("attributes") or {},
            features=data.get("features") or {},
            measurements=data.get("measurements") or {},
            notes=data.get("notes") or {},
            confidence=data.get("confidence"),
            critique=Critique.model_validate(critique) if critique else None,
            description=data.get("description"),
            created_at=utcnow(),
        )

    def stats(self) -> dict[str, float]:
        with self._lock:
            return dict(self._stats)


class FallbackAnalyzer(Analyzer):
    """``auto``: the primary (cloud) until it cannot go on, then the fallback (local) for the
    rest of the run. Results say which one made them (``analyzer`` is ``local`` after)."""

    def __init__(self, primary: Analyzer, fallback: Analyzer) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name, self.model, self.version = primary.name, primary.model, primary.version
        self.reason: str | None = None
        self._error: AnalyzerUnavailableError | None = None
        self._lock = threading.Lock()

    def analyze(self, photo: PreparedPhoto) -> AnalysisResult:
        if self.reason is None:
            try:
                return self.primary.analyze(photo)
            except AnalyzerUnavailableError as exc:
                with self._lock:
                    if self.reason is None:
                        self.reason, self._error = str(exc), exc
                        log.warning("%s; the rest of this run uses the local analyzer", exc)
        return self.fallback.analyze(photo)

    def fallback_error(self) -> AnalyzerError | None:
        with self._lock:
            return self._error

    def stats(self) -> dict[str, float]:
        return {**self.primary.stats(), "fell_back_to_local": float(self.reason is not None)}

    def close(self) -> None:
        self.primary.close()
        self.fallback.close()
