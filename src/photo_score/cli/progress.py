"""A Rich progress bar (rate and ETA) on stderr, fed by pipeline events."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from photo_score.pipeline import PipelineEvents


class ProgressEvents(PipelineEvents):
    """Shows photos analyzed per second and the time left; silent when not a terminal."""

    def __init__(self, *, enabled: bool) -> None:
        console = Console(stderr=True)
        self._progress = Progress(
            TextColumn("[bold]scoring"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn("{task.fields[failed]}"),
            TextColumn("{task.fields[calls]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=console,
            disable=not (enabled and console.is_terminal),
            transient=False,
        )
        self._task: TaskID | None = None
        self._failed = 0
        self._rate_at = 0.0  # when the rate was last worked out (monotonic seconds)
        self._shown_failed = 0

    def __enter__(self) -> ProgressEvents:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def discovered(self, total: int, to_analyze: int) -> None:
        self._task = self._progress.add_task("score", total=total, rate="", failed="", calls="")

    def _advance(self) -> None:
        if self._task is None:
            return
        self._progress.advance(self._task)
        if self._progress.disable:
            return
        # Rich's rate walks every step of the last 30 s: asked on each of the 10,000
        # cache hits of a warm run, that was half the run. Twice a second is enough to read.
        now = time.monotonic()
        if now - self._rate_at < 0.5 and self._failed == self._shown_failed:
            return
        self._rate_at, self._shown_failed = now, self._failed
        speed = self._progress.tasks[0].speed
        self._progress.update(
            self._task,
            rate=f"{speed:.1f}/s" if speed else "",
            failed=f"[red]{self._failed} failed[/red]" if self._failed else "",
        )

    def photo_done(self, path: str, *, cached: bool) -> None:
        self._advance()

    def photo_failed(self, path: str, error: str) -> None:
        self._failed += 1
        self._advance()

    def analyzer_stats(self, stats: dict[str, float]) -> None:
        """Vision runs show their calls, retries and spending so far."""
        if self._task is None or not stats:
            return
        parts = [f"{int(stats.get('calls', 0))} calls"]
        if stats.get("retries"):
            parts.append(f"{int(stats['retries'])} retries")
        parts.append(f"${stats.get('cost_usd', 0.0):.3f}")
        self._progress.update(self._task, calls=" · ".join(parts))
