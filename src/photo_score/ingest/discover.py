"""Find the photos under the paths the user named.

Deterministic order (sorted within each root, roots in the order given) so that runs,
reports and resumes line up; every file at most once even when roots overlap or symlinks
point back into a tree. Paths stay ``str`` decoded with ``os.fsdecode`` (surrogateescape),
so names that are not valid UTF-8 still round-trip to the filesystem.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from photo_score.errors import UsageError

RAW_EXTENSIONS: frozenset[str] = frozenset(
    {".cr2", ".cr3", ".nef", ".arw", ".dng", ".raf", ".orf", ".rw2"}
)
SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(
    {".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".tif", ".tiff", ".mpo"} | RAW_EXTENSIONS
)

ErrorCallback = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class DiscoveredFile:
    """A candidate photo; ``(path, size, mtime_ns)`` keys the path index (DESIGN §3)."""

    path: str
    size: int
    mtime_ns: int


def is_supported(name: str) -> bool:
    """True when the file name has a photo extension (case-insensitive)."""
    return os.path.splitext(name)[1].lower() in SUPPORTED_EXTENSIONS


def _ignore(_path: str, _reason: str) -> None:
    return None


def _reason(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


def discover(
    paths: Sequence[str | os.PathLike[str]],
    *,
    on_error: ErrorCallback | None = None,
) -> Iterator[DiscoveredFile]:
    """Yield the supported photos under ``paths``, recursively.

    Paths are yielded absolute. Hidden files and directories are skipped while walking,
    but a file named directly is always taken (the user asked for it). Unreadable
    directories are reported through ``on_error(path, reason)`` and skipped. A path that
    does not exist is a usage error, raised before anything is yielded so a typo never
    produces a partial run.
    """
    report = on_error or _ignore
    named = [os.fsdecode(os.fspath(p)) for p in paths]
    for root in named:
        if not os.path.lexists(root):
            raise UsageError(f"{root}: no such file or directory")
    # Absolute (symlinks kept as named), so the cache knows a photo by one path whichever
    # folder the command was run from: `score trip` then `rescore ~/Pictures/trip` agree.
    roots = [os.path.abspath(root) for root in named]
    seen_files: set[tuple[int, int]] = set()
    seen_dirs: set[tuple[int, int]] = set()
    for root in roots:
        try:
            st = os.stat(root)
        except OSError as exc:
            report(root, _reason(exc))
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(root, st, seen_dirs, seen_files, report)
        elif stat.S_ISREG(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key not in seen_files:
                seen_files.add(key)
                yield DiscoveredFile(root, st.st_size, st.st_mtime_ns)
        else:
            report(root, "not a regular file or directory")


def _walk(
    top: str,
    top_stat: os.stat_result,
    seen_dirs: set[tuple[int, int]],
    seen_files: set[tuple[int, int]],
    report: ErrorCallback,
) -> Iterator[DiscoveredFile]:
    """Depth-first walk in sorted order; real directories are identified by (dev, inode)
    so a symlink back into the tree (or an overlapping root) is entered only once."""
    key = (top_stat.st_dev, top_stat.st_ino)
    if key in seen_dirs:
        return
    seen_dirs.add(key)
    try:
        with os.scandir(top) as it:
            entries = [e for e in it if not e.name.startswith(".")]
    except OSError as exc:
        report(top, _reason(exc))
        return
    children: list[tuple[str, os.DirEntry[str], os.stat_result]] = []
    for entry in entries:
        try:
            # Follows symlinks: a link to a directory is walked, a link to a photo is read.
            st = entry.stat()
        except OSError as exc:
            report(entry.path, _reason(exc))
            continue
        is_dir = stat.S_ISDIR(st.st_mode)
        # "name/" for directories makes the depth-first order equal to sorting full paths.
        children.append((entry.name + "/" if is_dir else entry.name, entry, st))
    children.sort(key=lambda child: child[0])
    for sort_key, entry, st in children:
        if sort_key.endswith("/"):
            yield from _walk(entry.path, st, seen_dirs, seen_files, report)
        elif stat.S_ISREG(st.st_mode) and is_supported(entry.name):
            fkey = (st.st_dev, st.st_ino)
            if fkey in seen_files:
                continue
            seen_files.add(fkey)
            yield DiscoveredFile(entry.path, st.st_size, st.st_mtime_ns)
