"""The sidecar's services for one launch: the cache, the library, rankings, jobs, settings.

Routes reach them through ``deps.py``; nothing here knows about HTTP.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from photo_score.catalog import RankedCatalog, RankingCache
from photo_score.credentials import OPENROUTER_KEY, CredentialStore
from photo_score.ingest.thumbnails import ThumbnailStore
from photo_score.jobs import FINISHED, JobManager, JobProgress
from photo_score.library import Library
from photo_score.previews import preview_store
from photo_score.scoring import ScoringConfig
from photo_score.settings import Settings
from photo_score.storage.cache import Cache
from photo_score.user_config import ActiveConfig, load_active, reset_active, save_active
from photo_score_sidecar.events import EventBroker
from photo_score_sidecar.sync_worker import BackgroundSync
from photo_score_sidecar.xmp_sync import LiveXmp

log = logging.getLogger(__name__)


class Sidecar:
    def __init__(self, settings: Settings, *, use_keyring: bool = True) -> None:
        self.settings = settings
        self.cache = Cache(settings.cache_path)
        self.library = Library(self.cache)
        self.rankings = RankingCache(self.cache)
        self.broker = EventBroker()
        self.jobs = JobManager(cache=self.cache, settings=settings, listener=self._job_changed)
        self.credentials = CredentialStore(settings.home, use_keyring=use_keyring)
        self.thumbnails = ThumbnailStore(settings.thumbnails_dir, settings.thumbnail_size)
        self.previews = preview_store(settings.home)
        self._config_lock = threading.Lock()
        self._active = load_active(settings.home)
        self.sync = BackgroundSync(settings, self.cache, self.credentials).start()
        self.xmp = LiveXmp(settings.home, lambda: self.ranked().marks()).start()
        # Read and rank the library while the window starts, so the first grid is fast.
        self._warmer = threading.Thread(target=self._warm, name="warm-catalog", daemon=True)
        self._warmer.start()

    def _warm(self) -> None:
        try:
            self.ranked()
        except Exception:  # only an optimisation: the first request reports real problems
            log.debug("warming the catalog failed", exc_info=True)

    # -- config -----------------------------------------------------------------------

    @property
    def active_config(self) -> ActiveConfig:
        return self._active

    @property
    def config(self) -> ScoringConfig:
        return self._active.config

    def save_config(self, text: str) -> ActiveConfig:
        with self._config_lock:
            self._active = save_active(self.settings.home, text)
        self.broker.publish("config", {"type": "config", "fingerprint": self.config.fingerprint})
        self.xmp.nudge()  # new tiers, new marks
        return self._active

    def reset_config(self) -> ActiveConfig:
        with self._config_lock:
            self._active = reset_active(self.settings.home)
        self.broker.publish("config", {"type": "config", "fingerprint": self.config.fingerprint})
        self.xmp.nudge()
        return self._active

    # -- library and rankings ---------------------------------------------------------

    def folders(self) -> list[tuple[int, str]]:
        return [(f.id, f.path) for f in self.library.folders()]

    def ranked(self, config: ScoringConfig | None = None) -> RankedCatalog:
        return self.rankings.ranked(self.folders(), config or self.config)

    def library_changed(self) -> None:
        self.broker.publish("library", {"type": "library"})

    # -- analyzers --------------------------------------------------------------------

    def analyzer_settings(self) -> Settings:
        """Settings with the stored OpenRouter key (the environment's wins when set)."""
        if self.settings.openrouter_api_key:
            return self.settings
        key = self.credentials.get(OPENROUTER_KEY)
        return (
            self.settings.model_copy(update={"openrouter_api_key": key}) if key else self.settings
        )

    def _job_changed(self, job: JobProgress) -> None:
        self.broker.publish("job", {"type": "job", "job": job.model_dump(mode="json")})
        if job.state in FINISHED:
            self.library_changed()
            self.sync.nudge()  # new results travel at once
            self.xmp.nudge()  # and new scores reach the sidecars, when live XMP is on

    def close(self) -> None:
        self._warmer.join()
        self.broker.close()
        self.jobs.close()
        self.xmp.close()
        self.sync.close()
        self.cache.close()


def default_ui_dir() -> Path | None:
    """The built renderer: next to the frozen executable, or in the source tree."""
    import sys

    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "renderer"
    # packages/desktop/sidecar/src/photo_score_sidecar/state.py → packages/desktop/renderer
    return Path(__file__).resolve().parents[3] / "renderer" / "dist"
