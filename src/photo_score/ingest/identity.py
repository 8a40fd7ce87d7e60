"""Image identity: the SHA-256 of the file's bytes (DESIGN §3).

Content, not path, is the key, so a renamed or copied photo keeps its cached results.
"""

from __future__ import annotations

import hashlib

_CHUNK = 1 << 20


def sha256_file(path: str) -> str:
    """Hex SHA-256 of the file, streamed so a 100 MB RAW never sits in memory."""
    with open(path, "rb", buffering=0) as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
