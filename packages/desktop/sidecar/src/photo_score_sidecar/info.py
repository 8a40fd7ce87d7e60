"""``$PHOTO_SCORE_HOME/sidecar.json``: how scripts find a running sidecar (DESIGN §12)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

FILE_NAME = "sidecar.json"


@dataclass(frozen=True, slots=True)
class SidecarInfo:
    url: str
    port: int
    token: str
    pid: int = field(default_factory=os.getpid)

    @property
    def launch_url(self) -> str:
        """The URL a browser opens once: its token is exchanged for a cookie."""
        return f"{self.url}/?token={self.token}"


def info_path(home: Path) -> Path:
    return home / FILE_NAME


def write_info(home: Path, info: SidecarInfo) -> Path:
    """Write atomically with mode 0600 (it holds the token)."""
    home.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".sidecar-", suffix=".json", dir=home)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(info), fh)
        os.replace(tmp, info_path(home))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return info_path(home)


def remove_info(home: Path, info: SidecarInfo) -> None:
    """Remove the file if it is still ours (another launch may have replaced it)."""
    path = info_path(home)
    try:
        current = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if current.get("token") == info.token:
        path.unlink(missing_ok=True)


def read_info(home: Path) -> SidecarInfo | None:
    try:
        data = json.loads(info_path(home).read_text(encoding="utf-8"))
        return SidecarInfo(
            url=str(data["url"]),
            port=int(data["port"]),
            token=str(data["token"]),
            pid=int(data["pid"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
