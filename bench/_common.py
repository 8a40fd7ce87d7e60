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


def camera_pixels_24mp_folder(count: int = 24) -> Path:
    """24 MP JPEGs made of a camera's own pixels, at a camera's file density.

    The enlarged package photos decode unrealistically fast: a 6× enlargement has little
    fine detail, so they compress to ~1 bit per pixel (3 MB), where 24 MP cameras write
    6–12 MB. These are tiled, without resampling, from the package files that a camera
    wrote at its full resolution (the FinePix REAL 3D W3's two 10 MP frames and the DiMAGE
    Z5's 5 MP frame, see tests/factories/real.py), saved at quality 95 (the W3 wrote ~96):
    ~7.4 MB, 2.5 bits per pixel. The tiling is not a photograph, so the analyzer's own cost
    on them is not representative (less skin, so a cheaper face search); their decode is.
    """
    import numpy as np
    from PIL import Image

    from tests.factories.real import real_photo_folder

    folder = OUT / f"24mp-camera-pixels-{count}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    src = real_photo_folder()
    tiles: list[np.ndarray] = []
    with Image.open(src / "fujifilm_w3.mpo") as mpo:
        for i in range(getattr(mpo, "n_frames", 1)):
            mpo.seek(i)
            tiles.append(np.asarray(mpo.convert("RGB")))
    with Image.open(src / "minolta_z5_wood.jpg") as wood:
        tiles.append(np.asarray(wood.convert("RGB")))
    rng = np.random.default_rng(24)
    for n in range(count):
        canvas = np.zeros((4000, 6000, 3), np.uint8)
        y = 0
        while y < 4000:  # rows of random height, each filled with random-width crops
            row_h = min(int(rng.integers(1200, 2737)), 4000 - y)
            x = 0
            while x < 6000:
                t = tiles[int(rng.integers(len(tiles)))]
                h = min(row_h, t.shape[0])
                w = min(int(rng.integers(1500, t.shape[1] + 1)), 6000 - x)
                oy = int(rng.integers(0, t.shape[0] - h + 1))
                ox = int(rng.integers(0, t.shape[1] - w + 1))
                canvas[y : y + h, x : x + w] = t[oy : oy + h, ox : ox + w]
                x += w
            y += row_h
        Image.fromarray(canvas).save(folder / f"tiles_{n:02d}.jpg", quality=95)
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
