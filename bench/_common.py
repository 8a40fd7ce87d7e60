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


def real_photo_24mp_folder() -> Path:
    """The package photos (tests/factories/real.py), each enlarged to a 24 MP JPEG.

    The camera-like JPEGs of ``photo_folder`` have no skin-toned pixels, so the analyzer
    skips its face search on them; real photos of sand, wood, brick and people do not, and
    Haar is the analyzer's costliest step. Enlarged from their 1024 px preview (cubic),
    with σ = 2 grain so the file is not unrealistically smooth, saved at quality 92.
    Frames under 200 px (blank EXIF carriers, a 128 px portrait) are left out.
    """
    import cv2
    import numpy as np
    from PIL import Image

    from photo_score.ingest.decode import prepare_photo
    from tests.factories.real import real_photo_folder

    folder = OUT / "24mp-real"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(24)
    for src in sorted(real_photo_folder().iterdir()):
        rgb = prepare_photo(str(src), src.name, preview_size=1024).preview
        h, w = rgb.shape[:2]
        if min(h, w) < 200:
            continue
        f = 6000 / max(h, w)
        big = cv2.resize(rgb, (round(w * f), round(h * f)), interpolation=cv2.INTER_CUBIC)
        big = np.clip(big + rng.normal(0.0, 2.0, big.shape), 0, 255).astype(np.uint8)
        Image.fromarray(big).save(folder / f"{src.stem}.jpg", quality=92)
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
