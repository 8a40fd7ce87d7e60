from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from photo_score.ingest.identity import sha256_file
from tests.factories.photos import non_utf8_name


def test_sha256_matches_hashlib_of_the_bytes(tmp_path: Path) -> None:
    data = np.random.default_rng(0).bytes(3 * (1 << 20) + 17)  # chunks plus a partial one
    path = tmp_path / "blob.jpg"
    path.write_bytes(data)
    assert sha256_file(str(path)) == hashlib.sha256(data).hexdigest()


def test_sha256_of_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    assert sha256_file(str(path)) == hashlib.sha256(b"").hexdigest()


def test_sha256_depends_on_content_not_name(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jpg", tmp_path / "b.jpg"
    a.write_bytes(b"same")
    b.write_bytes(b"same")
    assert sha256_file(str(a)) == sha256_file(str(b))
    b.write_bytes(b"diff")
    assert sha256_file(str(a)) != sha256_file(str(b))


def test_sha256_of_non_utf8_name(tmp_path: Path) -> None:
    name = non_utf8_name(tmp_path)
    with open(name, "wb") as fh:
        fh.write(b"bytes")
    assert sha256_file(name) == hashlib.sha256(b"bytes").hexdigest()
