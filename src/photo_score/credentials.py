"""Secrets the user gives photo-score (the OpenRouter key): OS keyring first, else a 0600 file.

The keyring is used when the optional ``keyring`` package is installed and finds a real
backend (macOS Keychain, Windows Credential Locker, Secret Service). Otherwise the secret
goes to ``$PHOTO_SCORE_HOME/secrets.json``, created with mode 0600 and replaced atomically.
Secrets are never returned by a status call: only whether one is set, and where.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from photo_score.errors import UsageError

log = logging.getLogger(__name__)

SERVICE = "photo-score"
OPENROUTER_KEY = "openrouter_api_key"
FILE_NAME = "secrets.json"
Source = Literal["keyring", "file", "environment", "none"]


@dataclass(frozen=True, slots=True)
class SecretStatus:
    is_set: bool
    source: Source


def _keyring() -> Any | None:
    """The keyring module when a usable (non-failing, non-null) backend exists."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken backend configuration
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return keyring


class CredentialStore:
    """Read and write named secrets; ``use_keyring=False`` forces the file (tests, servers)."""

    def __init__(self, home: Path, *, use_keyring: bool = True) -> None:
        self._file = home / FILE_NAME
        self._keyring = _keyring() if use_keyring else None

    @property
    def backend(self) -> Source:
        return "keyring" if self._keyring is not None else "file"

    def get(self, name: str) -> str | None:
        if self._keyring is not None:
            try:
                value = self._keyring.get_password(SERVICE, name)
            except Exception as exc:
                log.warning("keyring read failed (%s); trying the secrets file", exc)
            else:
                if value:
                    return str(value)
        value = self._read_file().get(name)
        return value if isinstance(value, str) and value else None

    def status(self, name: str, *, environment: str | None = None) -> SecretStatus:
        if self._keyring is not None:
            try:
                if self._keyring.get_password(SERVICE, name):
                    return SecretStatus(True, "keyring")
            except Exception:
                pass
        if self._read_file().get(name):
            return SecretStatus(True, "file")
        if environment:
            return SecretStatus(True, "environment")
        return SecretStatus(False, "none")

    def set(self, name: str, value: str) -> Source:
        value = value.strip()
        if not value or any(c.isspace() for c in value) or len(value) > 4096:
            raise UsageError(f"{name}: expected a non-empty key without spaces")
        if self._keyring is not None:
            try:
                self._keyring.set_password(SERVICE, name, value)
            except Exception as exc:
                log.warning("keyring write failed (%s); using the secrets file", exc)
            else:
                self._write_file({k: v for k, v in self._read_file().items() if k != name})
                return "keyring"
        data = self._read_file()
        data[name] = value
        self._write_file(data)
        return "file"

    def delete(self, name: str) -> None:
        if self._keyring is not None:
            with contextlib.suppress(Exception):  # not stored there: fine
                self._keyring.delete_password(SERVICE, name)
        data = self._read_file()
        if name in data:
            del data[name]
            self._write_file(data)

    def _read_file(self) -> dict[str, Any]:
        try:
            data = json.loads(self._file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable %s: %s", self._file, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def _write_file(self, data: dict[str, Any]) -> None:
        self._file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".secrets-", dir=self._file.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
            os.replace(tmp, self._file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
