"""The desktop library: the folders a user added, and the rule for which files may be served.

A folder is stored as its real path (symlinks resolved). A file belongs to the library
when its *real* path lies inside one of those folders, so ``..`` segments and symlinks
that point out of a folder are refused the same way as any other outside path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from photo_score.errors import NotFoundError, UsageError
from photo_score.storage.cache import Cache, LibraryFolderRow


@dataclass(frozen=True, slots=True)
class LibraryFolder:
    id: int
    path: str
    added_at: str
    exists: bool


class OutsideLibraryError(UsageError):
    """A path that is not inside any library folder (after resolving symlinks and ``..``)."""


def real_path(path: str) -> str:
    """The absolute real path; refuses empty paths and NUL bytes (they reach syscalls)."""
    if not path or "\x00" in path:
        raise UsageError("not a valid path")
    return os.path.realpath(os.path.expanduser(path))


def is_inside(path: str, folder: str) -> bool:
    """True when real path ``path`` is ``folder`` or lies below it (both real paths)."""
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # different drives on Windows
        return False


class Library:
    """The library's folders, persisted in the cache database."""

    def __init__(self, cache: Cache) -> None:
        self._cache = cache

    def folders(self) -> list[LibraryFolder]:
        return [_folder(row) for row in self._cache.library_folders()]

    def folder_paths(self) -> tuple[str, ...]:
        return tuple(row.path for row in self._cache.library_folders())

    def add(self, path: str) -> LibraryFolder:
        """Add a folder by any spelling of its path; it must exist and be a directory."""
        resolved = real_path(path)
        if not os.path.isdir(resolved):
            if os.path.exists(resolved):
                raise UsageError(f"{path}: not a folder")
            raise NotFoundError(f"{path}: no such folder")
        if resolved == os.path.abspath(os.sep):
            raise UsageError(f"{path}: the root of the file system cannot be a library folder")
        return _folder(self._cache.add_library_folder(resolved))

    def remove(self, folder_id: int) -> None:
        if not self._cache.remove_library_folder(folder_id):
            raise NotFoundError(f"library folder {folder_id} does not exist")

    def get(self, folder_id: int) -> LibraryFolder:
        for folder in self.folders():
            if folder.id == folder_id:
                return folder
        raise NotFoundError(f"library folder {folder_id} does not exist")

    def resolve(self, path: str) -> str:
        """The real path of ``path`` if it lies inside a library folder; else raise."""
        resolved = real_path(path)
        if any(is_inside(resolved, folder) for folder in self.folder_paths()):
            return resolved
        raise OutsideLibraryError(f"{path}: not inside a library folder")

    def contains_any(self, paths: list[str]) -> bool:
        """True when the real path of any of ``paths`` lies inside a library folder."""
        folders = self.folder_paths()
        for path in paths:
            try:
                resolved = real_path(path)
            except UsageError:
                continue
            if any(is_inside(resolved, folder) for folder in folders):
                return True
        return False

    def contains(self, path: str) -> bool:
        try:
            self.resolve(path)
        except UsageError:
            return False
        return True

    def servable_file(self, paths: list[str]) -> str | None:
        """The first of ``paths`` (one image's known paths) that exists inside the library."""
        for candidate in paths:
            try:
                resolved = self.resolve(candidate)
            except UsageError:
                continue
            if Path(resolved).is_file():
                return resolved
        return None


def _folder(row: LibraryFolderRow) -> LibraryFolder:
    return LibraryFolder(row.id, row.path, row.added_at, os.path.isdir(row.path))
