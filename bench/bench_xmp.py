"""XMP sidecar writing: photo-score's writer vs ExifTool, side by side on the same files.

ExifTool is what photographers script sidecars with. Both write a different rating and
label into each of N sidecars, in two cases:

- new: no sidecar exists yet (ExifTool creates each from its photo, ``-o %d%f.xmp``);
- merge: each photo already has a Lightroom-style sidecar with develop settings and
  keywords, edited in place.

ExifTool runs as one process fed an argument file (``-@``, one ``-execute`` per photo), its
fastest batch mode. The script checks that both leave the same rating and label in every
sidecar and the develop settings intact, then prints both times and the ratio.
Run: ``uv run python bench/bench_xmp.py [N]`` (default 2000; needs ``exiftool``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT  # noqa: F401  (puts the repository on sys.path for tests.*)

from photo_score.xmp import Mark, hand_rating, read_sidecar, write_sidecars
from tests.factories.ratings import LIGHTROOM

TIERS = (
    ("Excellent", 5, "Green"),
    ("Strong", 4, None),
    ("Competent", 3, None),
    ("Flawed", 1, "Red"),
)


def _photos(folder: Path, n: int) -> list[Path]:
    """N small JPEGs (hard links of one: ExifTool reads each photo to make its sidecar)."""
    from PIL import Image

    folder.mkdir(parents=True)
    first = folder / "IMG_00000.jpg"
    Image.new("RGB", (64, 48), (120, 140, 90)).save(first, quality=90)
    photos = [first]
    for i in range(1, n):
        target = folder / f"IMG_{i:05d}.jpg"
        target.hardlink_to(first)
        photos.append(target)
    return photos


def _mark(i: int) -> Mark:
    tier, rating, label = TIERS[i % len(TIERS)]
    return Mark(rating=rating, label=label, score=40.0 + i % 60, tier=tier)


def _exiftool(exiftool: str, photos: list[Path], *, new: bool, work: Path) -> float:
    lines: list[str] = []
    for i, photo in enumerate(photos):
        mark = _mark(i)
        lines += [f"-XMP-xmp:Rating={mark.rating}", f"-XMP-xmp:Label={mark.label or ''}"]
        if new:
            lines += ["-o", str(photo.with_suffix(".xmp")), str(photo)]
        else:
            lines += ["-overwrite_original", str(photo.with_suffix(".xmp"))]
        lines.append("-execute")
    args = work / "args.txt"
    args.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    subprocess.run([exiftool, "-@", str(args), "-common_args", "-q", "-q"], check=True)
    return time.perf_counter() - started


def _ours(photos: list[Path]) -> float:
    started = time.perf_counter()
    report = write_sidecars(
        [(str(p), _mark(i)) for i, p in enumerate(photos)], naming="adobe", overwrite=True
    )
    elapsed = time.perf_counter() - started
    assert not report.failures, report.failures[:3]
    return elapsed


def _check(photos: list[Path], *, merged: bool) -> None:
    for i, photo in enumerate(photos):
        mark = _mark(i)
        sidecar = photo.with_suffix(".xmp")
        assert read_sidecar(sidecar) == (mark.rating, mark.label), sidecar
        if merged:
            text = sidecar.read_text("utf-8")
            assert "Exposure2012" in text, sidecar
            assert "+0.50" in text, sidecar
            assert "family" in text, sidecar


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    exiftool = shutil.which("exiftool")
    if exiftool is None:
        sys.exit("exiftool is not on PATH (apt-get install libimage-exiftool-perl)")
    with tempfile.TemporaryDirectory(prefix="bench-xmp-") as tmp:
        root = Path(tmp)
        print(f"{n} photos, a different rating and label each")
        for case in ("new", "merge"):
            times: dict[str, float] = {}
            for who in ("exiftool", "photo-score"):
                folder = root / case / who
                photos = _photos(folder, n)
                if case == "merge":
                    for p in photos:
                        p.with_suffix(".xmp").write_text(LIGHTROOM, encoding="utf-8")
                if who == "exiftool":
                    times[who] = _exiftool(exiftool, photos, new=case == "new", work=root)
                else:
                    times[who] = _ours(photos)
                _check(photos, merged=case == "merge")
            ours, base = times["photo-score"], times["exiftool"]
            print(
                f"  {case:5}  photo-score {ours:6.2f} s ({n / ours:7.0f}/s)   "
                f"exiftool {base:6.2f} s ({n / base:6.0f}/s)   ratio {base / ours:5.1f}x"
            )
        # A second pass over unchanged sidecars reads each and writes none.
        folder = root / "merge" / "photo-score"
        photos = sorted(folder.glob("*.jpg"))
        started = time.perf_counter()
        report = write_sidecars(
            [(str(p), _mark(int(p.stem[4:]))) for p in photos], naming="adobe", overwrite=True
        )
        again = time.perf_counter() - started
        assert report.count("unchanged") == n, report.count("unchanged")
        print(f"  again  photo-score {again:6.2f} s ({n / again:7.0f}/s), nothing rewritten")
        # What Learn from my ratings pays per photo: read each rating, telling ours apart.
        started = time.perf_counter()
        found = [hand_rating(str(p)) for p in photos]
        reading = time.perf_counter() - started
        assert found == [None] * n  # every rating there is photo-score's own
        print(
            f"  read   {n} ratings (hand_rating) in {reading:.2f} s "
            f"({1000 * reading / n:.2f} ms each)"
        )


if __name__ == "__main__":
    main()
