"""Helpers shared by the bench scripts: generated photo folders and timing."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from tests.factories.photos import make_camera_jpeg  # noqa: E402


def photo_folder(name: str, count: int, size: tuple[int, int], per_dir: int = 1000) -> Path:
    """A folder of ``count`` camera-like JPEGs, generated once and reused across runs."""
    folder = OUT / name
    marker = folder / f".complete-{count}"
    if marker.exists():
        return folder
    for i in range(count):
        sub = folder / f"part{i // per_dir:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        target = sub / f"IMG_{i:05d}.jpg"
        if not target.exists():
            make_camera_jpeg(target, size=size, seed=i)
    marker.touch()
    return folder


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_cli(args: list[str], home: Path) -> tuple[float, int, str]:
    """Run photo-score in a child process; returns (seconds, its peak RSS in MiB, stdout)."""
    env = {**os.environ, "PHOTO_SCORE_HOME": str(home)}
    exe = str(ROOT / ".venv" / "bin" / "photo-score")
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        proc = subprocess.Popen([exe, *args], env=env, stdout=out)
        _, status, usage = os.wait4(proc.pid, 0)  # reap it ourselves to get its own rusage
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"photo-score {' '.join(args)} exited {proc.returncode}")
    return elapsed, int(usage.ru_maxrss / 1024), text
