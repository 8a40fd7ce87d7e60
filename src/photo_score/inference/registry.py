"""Choose an analyzer by name: the one place that knows which analyzers exist.

``auto`` is DESIGN §5's decision flow. A cache hit is free whatever is chosen (the
pipeline looks the photo up first). On a miss:

1. signed in to the cloud, the cloud reachable, credits ≥ 1 → cloud inference; when the
   credits run out (402) or the cloud drops mid-run, the rest of the run falls back to the
   local analyzer (:class:`~photo_score.inference.cloud.FallbackAnalyzer`);
2. the user's own OpenRouter key (or a local OpenAI-compatible server) → vision models direct;
3. otherwise (offline, signed out, no credits) → the local analyzer, always available, free
   and marked as a local estimate (``analyzer = "local"``);
4. a task only a vision model can do (``task="critique"``) with none of 1–2 → a clear
   "connect or buy credits" error, never a silent local result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from photo_score.errors import AnalyzerUnavailableError, UsageError
from photo_score.pipeline import AnalyzerSpec
from photo_score.scoring import ScoringConfig
from photo_score.settings import Settings
from photo_score.storage.cache import AnalyzerKey, Cache
from photo_score.sync.session import CloudClient, CloudError, cloud_client

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


Branch = Literal["cloud", "openrouter", "local", "unavailable"]
Task = Literal["score", "critique"]


@dataclass(frozen=True, slots=True)
class Route:
    """Where ``auto`` sends a cache miss, and why (shown to the user)."""

    branch: Branch
    reason: str
    credits: int | None = None


def default_cloud(settings: Settings) -> CloudClient | None:
    """The cloud client of the signed-in account, or None (no session: no network call)."""
    try:
        client = cloud_client(settings.home, settings.cloud_url, timeout=5.0)
    except UsageError:
        return None
    if client.session is None:
        client.close()
        return None
    return client


def choose_route(
    settings: Settings, *, cloud: CloudClient | None = None, task: Task = "score"
) -> Route:
    """DESIGN §5 for a cache miss (one /auth/me call when signed in)."""
    cloud_reason = "not signed in to the cloud"
    credits: int | None = None
    if cloud is not None and cloud.session is not None:
        try:
            credits = int(cloud.me().get("credits", 0))
        except CloudError as exc:
            cloud_reason = f"the cloud is not available ({exc})"
        else:
            if credits >= 1:
                return Route("cloud", f"cloud inference ({credits} credits)", credits)
            cloud_reason = "no cloud credits left"
    if vision_available(settings):
        return Route("openrouter", f"your own vision key ({cloud_reason})", credits)
    if task != "score":
        return Route("unavailable", f"{cloud_reason}; {_connect_or_buy()}", credits)
    return Route("local", f"local estimate ({cloud_reason})", credits)


def _connect_or_buy() -> str:
    from photo_score.inference.cloud import CONNECT_OR_BUY

    return CONNECT_OR_BUY


def cloud_spec(
    cloud: CloudClient, config: ScoringConfig, *, fallback_to_local: bool
) -> AnalyzerSpec:
    from photo_score.inference.cloud import CloudAnalyzer, FallbackAnalyzer

    long_edge = config.vision.image_long_edge
    key = AnalyzerKey(CloudAnalyzer.name, CloudAnalyzer.model, CloudAnalyzer.version)

    def factory() -> CloudAnalyzer | FallbackAnalyzer:
        primary = CloudAnalyzer(cloud, long_edge=long_edge)
        if not fallback_to_local:
            return primary
        return FallbackAnalyzer(primary, local_spec().factory())

    return AnalyzerSpec(
        key=key,
        factory=factory,
        workers=config.vision.max_concurrency,
        preview_size=long_edge,  # one decode serves the JPEG and the local fallback
    )


def ranking_key(spec: AnalyzerSpec) -> AnalyzerKey | None:
    """The key to rank a run's photos by: the spec's own, except for cloud inference, whose
    run may end on the local analyzer (credits ran out): each photo's best result then."""
    return None if spec.key.analyzer == "cloud" else spec.key


def resolve_analyzer(
    name: str,
    settings: Settings,
    config: ScoringConfig,
    cache: Cache,
    *,
    max_cost: float | None = None,
    cloud: CloudClient | None = None,
    task: Task = "score",
) -> AnalyzerSpec:
    """Map ``--analyzer`` to an analyzer, or say clearly why it cannot run here.

    ``cloud`` is the signed-in account's client (default: the session stored in
    PHOTO_SCORE_HOME, if any).
    """
    if name not in ANALYZER_NAMES:
        raise UsageError(f"unknown analyzer {name!r}; choose one of {', '.join(ANALYZER_NAMES)}")
    if name == "local":
        return local_spec()
    if name == "openrouter":
        return openrouter_spec(settings, config, cache, max_cost=max_cost)
    cloud = cloud if cloud is not None else default_cloud(settings)
    if name == "cloud":
        if cloud is None or cloud.session is None:
            raise AnalyzerUnavailableError(
                f"the cloud analyzer needs an account: {_connect_or_buy()}"
            )
        return cloud_spec(cloud, config, fallback_to_local=False)
    route = choose_route(settings, cloud=cloud, task=task)
    if route.branch == "cloud":
        assert cloud is not None
        return cloud_spec(cloud, config, fallback_to_local=True)
    if route.branch == "openrouter":
        return openrouter_spec(settings, config, cache, max_cost=max_cost)
    if route.branch == "unavailable":
        raise AnalyzerUnavailableError(f"a {task} needs a vision model: {route.reason}")
    return local_spec()
