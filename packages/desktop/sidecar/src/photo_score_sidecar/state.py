"""The sidecar's services for one launch: the cache, the library, rankings, jobs, settings.

Routes reach them through ``deps.py``; nothing here knows about HTTP.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from photo_score.catalog import RankedCatalog, RankingCache
from photo_score.credentials import OPENROUTER_KEY, CredentialStore
from photo_score.errors import ConfigError
from photo_score.ingest.thumbnails import ThumbnailStore
from photo_score.jobs import FINISHED, JobManager, JobProgress
from photo_score.library import Library
from photo_score.previews import preview_store
from photo_score.scoring import ScoringConfig
from photo_score.settings import Settings
from photo_score.storage.cache import Cache
from photo_score.user_config import (
    ActiveConfig,
    config_path,
    load_active,
    reset_active,
    save_active,
)
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
        self._stamp = _stamp(config_path(settings.home))
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
        return self._current()

    @property
    def config(self) -> ScoringConfig:
        return self._current().config

    def save_config(self, text: str) -> ActiveConfig:
        with self._config_lock:
            self._active = save_active(self.settings.home, text)
            self._stamp = _stamp(self._active.path)
        self._config_changed()
        return self._active

    def reset_config(self) -> ActiveConfig:
        with self._config_lock:
            self._active = reset_active(self.settings.home)
            self._stamp = _stamp(self._active.path)
        self._config_changed()
        return self._active

    def _current(self) -> ActiveConfig:
        """The active config, read again when its file changed on disk: ``photo-score
        config use`` (or an editor) while the app runs takes effect at once, so the app's
        live XMP and the command line never write each other's stale marks. A file that
        no longer validates is logged and the last good config kept."""
        stamp = _stamp(config_path(self.settings.home))
        if stamp == self._stamp:
            return self._active
        with self._config_lock:
            if stamp == self._stamp:  # another request has read it meanwhile
                return self._active
            self._stamp = stamp
            try:
                self._active = load_active(self.settings.home)
            except ConfigError as exc:
                log.warning("the config file changed but is not valid; kept the last one: %s", exc)
                return self._active
        self._config_changed()
        return self._active

    def _config_changed(self) -> None:
        fingerprint = self._active.config.fingerprint
        self.broker.publish("config", {"type": "config", "fingerprint": fingerprint})
        self.xmp.nudge()  # new tiers, new marks

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


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells a changed file from the one read: inode, size and modification time."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def default_ui_dir() -> Path | None:
    """The built renderer: next to the frozen executable, or in the source tree."""
    import sys

    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "renderer"
    # packages/desktop/sidecar/src/photo_score_sidecar/state.py → packages/desktop/renderer
    return Path(__file__).resolve().parents[3] / "renderer" / "dist"
