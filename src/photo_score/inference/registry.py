"""Choose an analyzer by name: the one place that knows which analyzers exist."""

from __future__ import annotations

from typing import Literal

from photo_score.errors import AnalyzerUnavailableError, UsageError
from photo_score.pipeline import AnalyzerSpec
from photo_score.settings import Settings
from photo_score.storage.cache import AnalyzerKey

AnalyzerName = Literal["auto", "local", "openrouter", "cloud"]
ANALYZER_NAMES: tuple[str, ...] = ("auto", "local", "openrouter", "cloud")


def local_spec() -> AnalyzerSpec:
    from photo_score.inference.local import LocalAnalyzer

    key = AnalyzerKey(LocalAnalyzer.name, LocalAnalyzer.model, LocalAnalyzer.version)
    return AnalyzerSpec(key=key, factory=LocalAnalyzer)


def resolve_analyzer(name: str, settings: Settings) -> AnalyzerSpec:
    """Map ``--analyzer`` to an analyzer, or say clearly why it cannot run here."""
    if name not in ANALYZER_NAMES:
        raise UsageError(f"unknown analyzer {name!r}; choose one of {', '.join(ANALYZER_NAMES)}")
    if name in ("auto", "local"):
        return local_spec()
    if name == "openrouter":
        raise AnalyzerUnavailableError(
            "the OpenRouter analyzer is not available in this version yet; use --analyzer local"
        )
    raise AnalyzerUnavailableError(
        "the cloud analyzer is not available in this version yet; use --analyzer local"
    )
