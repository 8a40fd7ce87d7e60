"""The interface every analyzer implements (local, OpenRouter, cloud)."""

from __future__ import annotations

from abc import ABC, abstractmethod

from photo_score.errors import AnalyzerError
from photo_score.ingest.prepared import PreparedPhoto
from photo_score.models import AnalysisResult


class Analyzer(ABC):
    """Turns a prepared photo into attributes, features and notes.

    ``name``, ``model`` and ``version`` form the cache key with the image id, so bump
    ``version`` whenever the output for the same pixels would change.
    """

    name: str
    model: str
    version: str

    @abstractmethod
    def analyze(self, photo: PreparedPhoto) -> AnalysisResult:
        """Analyze one photo. Raise :class:`photo_score.errors.AnalyzerError` on failure."""

    def stats(self) -> dict[str, float]:
        """Running counters for progress displays (calls, retries, cost_usd…); may be empty."""
        return {}

    def fallback_error(self) -> AnalyzerError | None:
        """Why this analyzer handed the rest of the run to a lesser one (for example the
        cloud's credits ran out under ``auto``); None when it did not."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook, most analyzers hold nothing
        """Release resources (HTTP clients, models)."""
