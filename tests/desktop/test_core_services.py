"""Core services the sidecar relies on: credentials, the active config, the job manager."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from photo_score.credentials import OPENROUTER_KEY, CredentialStore
from photo_score.errors import ConfigError, NotFoundError, UsageError
from photo_score.inference.registry import local_spec
from photo_score.jobs import JobManager, JobProgress, JobState
from photo_score.settings import Settings
from photo_score.storage.cache import Cache
from photo_score.user_config import load_active, reset_active, save_active


def test_credentials_file_fallback(tmp_path: Path) -> None:
    store = CredentialStore(tmp_path, use_keyring=False)
    assert store.backend == "file"
    assert store.status(OPENROUTER_KEY).source == "none"
    assert store.status(OPENROUTER_KEY, environment="sk-env").source == "environment"
    assert store.set(OPENROUTER_KEY, "  sk-or-123  ") == "file"
    assert store.get(OPENROUTER_KEY) == "sk-or-123"
    assert stat.S_IMODE((tmp_path / "secrets.json").stat().st_mode) == 0o600
    status = store.status(OPENROUTER_KEY)
    assert (status.is_set, status.source) == (True, "file")
    with pytest.raises(UsageError):
        store.set(OPENROUTER_KEY, "has space")
    store.delete(OPENROUTER_KEY)
    assert store.get(OPENROUTER_KEY) is None


def test_active_config_validates_before_writing(tmp_path: Path) -> None:
    assert load_active(tmp_path).source == "default"
    saved = save_active(tmp_path, "version: 1\nname: mine\n")
    assert (saved.config.name, saved.source) == ("mine", "file")
    with pytest.raises(ConfigError, match="category_weights"):
        save_active(tmp_path, "version: 1\nname: bad\ncategory_weights: {aesthetic: -1}\n")
    assert load_active(tmp_path).config.name == "mine"  # the bad edit never reached disk
    assert reset_active(tmp_path).source == "default"


def test_job_manager_runs_reports_and_keeps_jobs(tmp_path: Path, shoot: Path) -> None:
    seen: list[JobProgress] = []
    finished = threading.Event()

    def listener(job: JobProgress) -> None:
        seen.append(job)
        if job.state in (JobState.done, JobState.failed, JobState.cancelled):
            finished.set()

    settings = Settings(home=tmp_path / "home", workers=2)
    with Cache(settings.cache_path) as cache:
        manager = JobManager(cache=cache, settings=settings, listener=listener)
        try:
            job = manager.submit([str(shoot)], local_spec(), "local")
            assert job.state is JobState.queued
            assert finished.wait(120)
            final = manager.get(job.id)
            assert final.state is JobState.done
            assert (final.total, final.done, final.failed, final.analyzed) == (7, 7, 0, 7)
            assert final.rate is not None
            assert final.rate > 0
            states = [s.state for s in seen]
            assert states[0] is JobState.queued
            assert JobState.running in states
            done_counts = [s.done for s in seen]
            assert done_counts == sorted(done_counts)  # progress only moves forward
            assert [j.id for j in manager.jobs()] == [job.id]
            again = manager.cancel(job.id)  # cancelling a finished job changes nothing
            assert again.state is JobState.done
            with pytest.raises(NotFoundError):
                manager.get("job-999")
        finally:
            manager.close()
