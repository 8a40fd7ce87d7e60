from __future__ import annotations

import os
from pathlib import Path

import pytest

from photo_score.errors import UsageError
from photo_score.ingest.discover import SUPPORTED_EXTENSIONS, DiscoveredFile, discover
from tests.factories.photos import non_utf8_name


def touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def paths(found: list[DiscoveredFile], root: Path) -> list[str]:
    return [os.path.relpath(f.path, root) for f in found]


def test_extensions_cover_photos_and_raw() -> None:
    for ext in ("jpg", "jpeg", "png", "heic", "heif", "webp", "tif", "tiff", "mpo"):
        assert f".{ext}" in SUPPORTED_EXTENSIONS
    for ext in ("cr2", "cr3", "nef", "arw", "dng", "raf", "orf", "rw2"):
        assert f".{ext}" in SUPPORTED_EXTENSIONS


def test_recursive_sorted_case_insensitive_and_filtered(tmp_path: Path) -> None:
    for rel in ["b.JPG", "a.jpeg", "sub/c.heic", "sub/deeper/d.NEF", "notes.txt", "x.gif"]:
        touch(tmp_path / rel)
    touch(tmp_path / "2023-01" / "e.png")
    touch(tmp_path / "2023" / "f.png")
    found = list(discover([tmp_path]))
    rels = paths(found, tmp_path)
    assert rels == sorted(rels)  # sorted by full path: "2023-01/…" before "2023/…"
    assert rels == [
        "2023-01/e.png",
        "2023/f.png",
        "a.jpeg",
        "b.JPG",
        "sub/c.heic",
        "sub/deeper/d.NEF",
    ]
    st = os.stat(tmp_path / "a.jpeg")
    entry = found[2]
    assert (entry.size, entry.mtime_ns) == (st.st_size, st.st_mtime_ns)


def test_order_is_stable_across_runs(tmp_path: Path) -> None:
    for i in range(30):
        touch(tmp_path / f"d{i % 4}" / f"img{(i * 7) % 30}.jpg")
    first = [f.path for f in discover([tmp_path])]
    assert len(first) == 30
    assert first == [f.path for f in discover([tmp_path])]


def test_hidden_files_and_dirs_are_skipped_unless_named(tmp_path: Path) -> None:
    touch(tmp_path / "visible.jpg")
    hidden = touch(tmp_path / ".hidden.jpg")
    touch(tmp_path / ".thumbs" / "t.jpg")
    touch(tmp_path / "ok" / ".DS_Store.jpg")
    assert paths(list(discover([tmp_path])), tmp_path) == ["visible.jpg"]
    assert [f.path for f in discover([hidden])] == [str(hidden)]


def test_roots_in_given_order_and_overlap_yields_each_file_once(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "1.jpg")
    touch(tmp_path / "b" / "2.jpg")
    touch(tmp_path / "b" / "inner" / "3.jpg")
    found = list(discover([tmp_path / "b", tmp_path, tmp_path / "b" / "inner" / "3.jpg"]))
    assert paths(found, tmp_path) == ["b/2.jpg", "b/inner/3.jpg", "a/1.jpg"]


def test_symlink_loop_terminates_and_symlinked_dirs_are_followed(tmp_path: Path) -> None:
    touch(tmp_path / "lib" / "a.jpg")
    (tmp_path / "lib" / "loop").symlink_to(tmp_path / "lib", target_is_directory=True)
    touch(tmp_path / "elsewhere" / "b.jpg")
    (tmp_path / "lib" / "link_out").symlink_to(tmp_path / "elsewhere")
    found = paths(list(discover([tmp_path / "lib"])), tmp_path)
    assert found == ["lib/a.jpg", "lib/link_out/b.jpg"]


def test_broken_symlink_is_reported_not_fatal(tmp_path: Path) -> None:
    touch(tmp_path / "a.jpg")
    (tmp_path / "gone.jpg").symlink_to(tmp_path / "missing.jpg")
    errors: list[tuple[str, str]] = []
    found = list(discover([tmp_path], on_error=lambda p, r: errors.append((p, r))))
    assert paths(found, tmp_path) == ["a.jpg"]
    assert [os.path.basename(p) for p, _ in errors] == ["gone.jpg"]


def test_unreadable_directory_via_scandir_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs as root too: simulate the EACCES that scandir raises for a locked folder."""
    touch(tmp_path / "a.jpg")
    touch(tmp_path / "locked" / "secret.jpg")
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    errors: list[tuple[str, str]] = []
    found = list(discover([tmp_path], on_error=lambda p, r: errors.append((p, r))))
    assert paths(found, tmp_path) == ["a.jpg"]
    assert errors == [(str(tmp_path / "locked"), "Permission denied")]


def test_non_utf8_names_round_trip(tmp_path: Path) -> None:
    name = non_utf8_name(tmp_path)
    with open(name, "wb") as fh:
        fh.write(b"jpeg")
    (found,) = discover([tmp_path])
    assert isinstance(found.path, str)
    assert os.fsencode(found.path).endswith(b"caf\xe9.jpg")
    with open(found.path, "rb") as fh:  # the str path opens the same file
        assert fh.read() == b"jpeg"
    bytes_root = os.fsencode(str(tmp_path))
    assert [f.path for f in discover([bytes_root.decode("utf-8")])] == [found.path]


def test_nonexistent_path_is_a_usage_error(tmp_path: Path) -> None:
    touch(tmp_path / "a.jpg")
    with pytest.raises(UsageError, match="no-such-folder"):
        list(discover([tmp_path, tmp_path / "no-such-folder"]))


def test_unsupported_file_named_directly_is_still_taken(tmp_path: Path) -> None:
    """A file the user names is theirs to ask for; decoding decides what it is."""
    path = touch(tmp_path / "scan.gif")
    assert [f.path for f in discover([str(path)])] == [str(path)]


def test_paths_are_absolute_whichever_folder_the_command_runs_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "trip").mkdir()
    (tmp_path / "trip" / "a.jpg").write_bytes(b"x")
    (tmp_path / "link").symlink_to(tmp_path / "trip")
    monkeypatch.chdir(tmp_path)
    assert [f.path for f in discover(["trip"])] == [str(tmp_path / "trip" / "a.jpg")]
    assert [f.path for f in discover(["./trip/../trip/a.jpg"])] == [str(tmp_path / "trip/a.jpg")]
    # A symlink is kept as named (the desktop resolves its own library folders).
    assert [f.path for f in discover(["link"])] == [str(tmp_path / "link" / "a.jpg")]
    with pytest.raises(UsageError, match=r"^tirp: no such file"):  # the name as typed
        list(discover(["tirp"]))
