"""Choose an analyzer by name: the one place that knows which analyzers exist.

``auto`` follows DESIGN §5 as far as this version goes: the user's own OpenRouter key
(or a local OpenAI-compatible server) → vision models; otherwise the local analyzer,
which is always available, free, and marked as a local estimate.
"""

from __future__ import annotations

from photo_score.errors import AnalyzerUnavailableError, UsageError
from photo_score.pipeline import AnalyzerSpec
from photo_score.scoring import ScoringConfig
from photo_score.settings import Settings
from photo_score.storage.cache import AnalyzerKey, Cache

ANALYZER_NAMES: tuple[str, ...] = ("auto", "local", "openrouter", "cloud")


def local_spec() -> AnalyzerSpec:
    from photo_score.inference.local import LocalAnalyzer

    key = AnalyzerKey(LocalAnalyzer.name, LocalAnalyzer.model, LocalAnalyzer.version)
    return AnalyzerSpec(key=key, factory=LocalAnalyzer)


def openrouter_spec(
    settings: Settings, config: ScoringConfig, cache: Cache, *, max_cost: float | None = None
) -> AnalyzerSpec:
    """Vision models through OpenRouter (or any OpenAI-compatible server at the base URL)."""
    from photo_score.inference.batch import client_options
    from photo_score.inference.client import VisionClient
    from photo_score.inference.openrouter import OpenRouterAnalyzer
    from photo_score.inference.pipeline import ANALYZER_NAME, prompts_version, roster_fingerprint

    options = client_options(config, settings, max_cost=max_cost)
    VisionClient.check_key(options)  # no key → a clear error before any work
    key = AnalyzerKey(ANALYZER_NAME, roster_fingerprint(config.vision), prompts_version())
    return AnalyzerSpec(
        key=key,
        factory=lambda: OpenRouterAnalyzer(config, cache, settings=settings, options=options),
        workers=config.vision.max_concurrency,
        preview_size=config.vision.image_long_edge,  # one decode serves both
    )


def vision_available(settings: Settings) -> bool:
    from photo_score.inference.client import is_local_url

    if settings.openrouter_api_key or settings.vision_endpoint == "local":
        return True
    return settings.vision_endpoint == "auto" and is_local_url(settings.openrouter_base_url)


def resolve_analyzer(
    name: str,
    settings: Settings,
    config: ScoringConfig,
    cache: Cache,
    *,
    max_cost: float | None = None,
) -> AnalyzerSpec:
    """Map ``--analyzer`` to an analyzer, or say clearly why it cannot run here."""
    if name not in ANALYZER_NAMES:
        raise UsageError(f"unknown analyzer {name!r}; choose one of {', '.join(ANALYZER_NAMES)}")
    if name == "local" or (name == "auto" and not vision_available(settings)):
        return local_spec()
    if name in ("auto", "openrouter"):
        return openrouter_spec(settings, config, cache, max_cost=max_cost)
    raise AnalyzerUnavailableError(
        "the cloud analyzer is not available in this version yet; use --analyzer local, "
        "or set OPENROUTER_API_KEY for --analyzer openrouter"
    )
