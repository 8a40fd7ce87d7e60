"""One photo through the vision roster: four independent tasks at once, then the critique.

Per task: ``features`` and ``metadata`` (and ``critique``) take the first model of their list
that answers (later models are fallbacks); ``aesthetic`` and ``technical`` ask every listed
model and combine the answers by weight (see :mod:`.consensus`). Every reply is cached per
``(image_id, task, model, prompt_version)`` the moment it arrives, so an interrupted or
partly failed photo costs only its missing calls next time. If every model of a task fails,
the photo fails (:class:`PhotoFailed`); it is never scored from defaults.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from photo_score.errors import AnalyzerError, AnalyzerUnavailableError
from photo_score.inference.budget import BudgetExceeded
from photo_score.inference.client import CallFailed, VisionClient
from photo_score.inference.consensus import Consensus, ModelScores, combine
from photo_score.inference.limits import PrioritySlots
from photo_score.inference.prompts import PROMPTS, Prompt, critique_context
from photo_score.inference.schemas import SCORED_TASKS, TASKS, Task, validate_cached
from photo_score.inference.vision_image import VisionImage, prepare_vision_image
from photo_score.models import AnalysisResult, Critique
from photo_score.scoring.config import ModelSpec, VisionConfig

log = logging.getLogger(__name__)

ANALYZER_NAME = "openrouter"
INDEPENDENT: tuple[Task, ...] = ("features", "aesthetic", "technical", "metadata")
ENSEMBLE: frozenset[Task] = frozenset(SCORED_TASKS)


class CallCache(Protocol):
    """The per-task reply store (implemented by ``photo_score.storage.cache.Cache``)."""

    def get_call(
        self, image_id: str, task: str, model: str, prompt_version: str
    ) -> dict[str, Any] | None: ...

    def put_call(
        self,
        image_id: str,
        task: str,
        model: str,
        prompt_version: str,
        response: dict[str, Any],
        cost_usd: float,
    ) -> None: ...


class PhotoLike(Protocol):
    """What the pipeline needs of a photo (a PreparedPhoto fits; so does a bare ref)."""

    @property
    def image_id(self) -> str: ...

    @property
    def path(self) -> str: ...


class PhotoFailed(AnalyzerError):
    """Every model of at least one task failed; nothing is scored for this photo."""


@dataclass
class PhotoTotals:
    """What one photo cost in this run (cached replies are free and not counted)."""

    calls: int = 0
    cached_calls: int = 0
    cost_usd: float = 0.0
    dropped: list[str] = field(default_factory=list)


def roster_fingerprint(config: VisionConfig) -> str:
    """Changes exactly when the models or weights of any task change."""
    content = {t: [[m.model, m.weight] for m in config.tasks[t]] for t in sorted(config.tasks)}
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return "composite-" + hashlib.sha256(blob.encode()).hexdigest()[:12]


def prompts_version(prompts: Mapping[Task, Prompt] = PROMPTS) -> str:
    return "+".join(prompts[t].version for t in TASKS)


def critique_version(prompt: Prompt, context: str) -> str:
    """The critique's inputs are part of its key: new scores or features, new critique."""
    return f"{prompt.version}+ctx{hashlib.sha256(context.encode()).hexdigest()[:12]}"


class PhotoPipeline:
    """Runs the composite for photos, sharing one client (limits, budget) and one cache."""

    def __init__(
        self,
        client: VisionClient | None,
        config: VisionConfig,
        cache: CallCache | None = None,
        *,
        prompts: Mapping[Task, Prompt] = PROMPTS,
        max_pixels: int = 250_000_000,
        on_call: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.config = config
        self.cache = cache
        self.prompts = prompts
        self.max_pixels = max_pixels
        self._on_call = on_call or (lambda: None)
        # Decoding is CPU-bound: as many at once as there are cores, oldest photo first, so
        # the first calls start after one decode rather than after all of them.
        self.decode_slots = PrioritySlots(max(1, os.cpu_count() or 1))
        self.model_id = roster_fingerprint(config)
        self.version = prompts_version(prompts)

    # -- cache ------------------------------------------------------------------------

    def lookup(
        self, image_id: str, task: Task, model: str, version: str
    ) -> tuple[dict[str, Any], float] | None:
        """A cached reply and what it cost; a reply that no longer validates is a miss."""
        if self.cache is None:
            return None
        stored = self.cache.get_call(image_id, task, model, version)
        if not isinstance(stored, dict) or not isinstance(stored.get("reply"), dict):
            return None
        reply = validate_cached(task, stored["reply"])
        cost = stored.get("cost_usd")
        return (
            None
            if reply is None
            else (reply, float(cost) if isinstance(cost, int | float) else 0.0)
        )

    def cached(self, image_id: str, task: Task, model: str, version: str) -> dict[str, Any] | None:
        hit = self.lookup(image_id, task, model, version)
        return None if hit is None else hit[0]

    def _store(
        self,
        image_id: str,
        task: Task,
        model: str,
        version: str,
        reply: dict[str, Any],
        cost: float,
    ) -> None:
        if self.cache is not None:
            response = {"reply": reply, "cost_usd": cost}
            self.cache.put_call(image_id, task, model, version, response, cost)

    # -- planning (dry runs) -------------------------------------------------------------

    def missing_calls(self, image_id: str) -> int:
        """Calls this photo still needs if every model answers first time."""
        missing = 0
        for task in INDEPENDENT:
            specs = self.config.tasks[task]
            version = self.prompts[task].version
            hits = [self.cached(image_id, task, s.model, version) is not None for s in specs]
            if task in ENSEMBLE:
                missing += hits.count(False)
            elif not any(hits):
                missing += 1
        if missing:
            return missing + 1  # the critique's inputs are not known yet
        replies = self._cached_inputs(image_id)
        context = critique_context(replies[0], _consensus(self.config, replies[1]).attributes)
        version = critique_version(self.prompts["critique"], context)
        specs = self.config.tasks["critique"]
        return 0 if any(self.cached(image_id, "critique", s.model, version) for s in specs) else 1

    def _cached_inputs(self, image_id: str) -> tuple[dict[str, Any], dict[Task, list[ModelScores]]]:
        features: dict[str, Any] = {}
        for s in self.config.tasks["features"]:
            hit = self.cached(image_id, "features", s.model, self.prompts["features"].version)
            if hit is not None:
                features = hit
                break
        scores: dict[Task, list[ModelScores]] = {}
        for task in ENSEMBLE:
            version = self.prompts[task].version
            scores[task] = [
                ModelScores(s.model, s.weight, hit)
                for s in self.config.tasks[task]
                if (hit := self.cached(image_id, task, s.model, version)) is not None
            ]
        return features, scores

    # -- running ---------------------------------------------------------------------------

    async def analyze(
        self,
        photo: PhotoLike,
        *,
        priority: int = 0,
        preview: npt.NDArray[np.uint8] | None = None,
    ) -> AnalysisResult:
        return await self.open(photo, priority=priority, preview=preview).execute()

    def open(
        self,
        photo: PhotoLike,
        *,
        priority: int = 0,
        preview: npt.NDArray[np.uint8] | None = None,
    ) -> PhotoRun:
        """A run whose ``totals`` stay readable when ``execute()`` fails."""
        return PhotoRun(self, photo, priority, preview)


class PhotoRun:
    """The state of one photo's analysis (its image is encoded at most once)."""

    def __init__(
        self,
        pipeline: PhotoPipeline,
        photo: PhotoLike,
        priority: int,
        preview: npt.NDArray[np.uint8] | None,
    ) -> None:
        self.p = pipeline
        self.photo = photo
        self.priority = priority
        self.preview = preview if preview is not None else getattr(photo, "preview", None)
        self.totals = PhotoTotals()
        self.failures: dict[Task, list[str]] = {}
        self.total_cost = 0.0  # including what cached replies cost when they were made
        self._image: asyncio.Task[VisionImage] | None = None

    async def image(self) -> VisionImage:
        """The photo's JPEG, prepared on first need; concurrent callers share one decode."""
        if self._image is None:
            self._image = asyncio.ensure_future(self._prepare())
        return await asyncio.shield(self._image)

    async def _prepare(self) -> VisionImage:
        async with self.p.decode_slots.slot(self.priority):
            return await asyncio.to_thread(
                prepare_vision_image,
                self.photo.path,
                self.photo.image_id,
                self.p.config.image_long_edge,
                preview=self.preview,
                max_pixels=self.p.max_pixels,
            )

    async def call(
        self, task: Task, spec: ModelSpec, *, context: str | None = None, version: str
    ) -> dict[str, Any] | None:
        image_id = self.photo.image_id
        hit = self.p.lookup(image_id, task, spec.model, version)
        if hit is not None:
            self.totals.cached_calls += 1
            self.total_cost += hit[1]
            return hit[0]
        client = self.p.client
        if client is None:
            raise AnalyzerError("a vision call is needed but no client is configured")
        image = await self.image()
        prompt = self.p.prompts[task]
        try:
            result = await client.complete(
                spec.model, prompt, image, context=context, priority=self.priority
            )
        except CallFailed as exc:
            self.failures.setdefault(task, []).append(f"{spec.model}: {exc.reason}")
            self.totals.dropped.append(f"{task}:{spec.model}")
            log.warning("%s: dropped %s", self.photo.path, exc)
            return None
        finally:
            self.p._on_call()
        self.totals.calls += result.attempts
        self.totals.cost_usd += result.cost_usd
        self.total_cost += result.cost_usd
        self.p._store(image_id, task, spec.model, version, result.reply, result.cost_usd)
        return result.reply

    async def first_answer(
        self, task: Task, *, context: str | None = None, version: str | None = None
    ) -> dict[str, Any] | None:
        for spec in self.p.config.tasks[task]:
            reply = await self.call(
                task, spec, context=context, version=version or self.p.prompts[task].version
            )
            if reply is not None:
                return reply
        return None

    async def all_answers(self, task: Task) -> list[ModelScores]:
        specs = self.p.config.tasks[task]
        version = self.p.prompts[task].version
        replies = await _all([self.call(task, s, version=version) for s in specs])
        return [ModelScores(s.model, s.weight, r) for s, r in zip(specs, replies, strict=True) if r]

    async def execute(self) -> AnalysisResult:
        features_c = self.first_answer("features")
        metadata_c = self.first_answer("metadata")
        aesthetic, technical = self.all_answers("aesthetic"), self.all_answers("technical")
        replies = await _all([features_c, aesthetic, technical, metadata_c])
        features: dict[str, Any] | None = replies[0]
        metadata: dict[str, Any] | None = replies[3]
        scores: dict[Task, list[ModelScores]] = {"aesthetic": replies[1], "technical": replies[2]}
        failed = [t for t, r in zip(INDEPENDENT, replies, strict=True) if not r]
        if failed or features is None or metadata is None:
            raise PhotoFailed(self._failure_message(failed))
        consensus = _consensus(self.p.config, scores)
        context = critique_context(features, consensus.attributes)
        critique = await self.first_answer(
            "critique",
            context=context,
            version=critique_version(self.p.prompts["critique"], context),
        )
        if critique is None:
            raise PhotoFailed(self._failure_message(["critique"]))
        return AnalysisResult(
            image_id=self.photo.image_id,
            analyzer=ANALYZER_NAME,
            model=self.p.model_id,
            version=self.p.version,
            attributes=consensus.attributes,
            features=features,
            measurements=consensus.measurements,
            notes=consensus.notes,
            confidence=consensus.confidence,
            critique=Critique(**critique),
            description=dict(metadata),
            cost_usd=round(self.total_cost, 6),
        )

    def _failure_message(self, tasks: Sequence[Task]) -> str:
        parts = []
        for task in tasks:
            reasons = "; ".join(self.failures.get(task, [])) or "no answer"
            parts.append(f"every model failed for {task} ({reasons})")
        return ", ".join(parts)


def _consensus(config: VisionConfig, scores: Mapping[Task, list[ModelScores]]) -> Consensus:
    consensus = Consensus()
    for task, attributes in SCORED_TASKS.items():
        answers = scores.get(task, [])
        if answers:
            combine(consensus, attributes, answers)
    return consensus


async def _all(coros: Sequence[Coroutine[Any, Any, Any]]) -> list[Any]:
    """Run coroutines together and let them all finish (a reply in flight is paid for, so
    it is cached even when a sibling fails); then raise the most serious error, if any."""
    results = await asyncio.gather(*coros, return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        errors.sort(
            key=lambda e: (
                not isinstance(e, AnalyzerUnavailableError),
                not isinstance(e, BudgetExceeded),
            )
        )
        raise errors[0]
    return results
