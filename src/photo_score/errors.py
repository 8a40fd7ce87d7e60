"""The exception hierarchy of photo-score.

Every surface translates these in exactly one place (the CLI prints one line and exits
with ``exit_code``; the APIs return one JSON error shape). Anything else that escapes is a
bug and is reported as an internal error.

    PhotoScoreError
    ├── UsageError              bad arguments or options (exit 2)
    ├── ConfigError             an invalid scoring config or settings file (exit 2)
    ├── PhotoError              one photo could not be processed; the batch goes on
    │   ├── UnsupportedFormatError
    │   ├── CorruptImageError
    │   └── ImageTooLargeError  decompression bombs and absurd dimensions
    ├── AnalyzerError           an analyzer could not produce a result for one photo
    │   ├── AnalyzerUnavailableError   no key, key rejected, offline, no credits: stops a run
    │   │   └── OutOfCreditsError      the cloud answered 402 (carries the packs to buy)
    │   └── RunStoppedError     the run must stop (e.g. its cost budget is reached)
    ├── CacheError              the local cache is unusable (locked, newer schema, corrupt)
    └── NotFoundError           a photo or record the user named does not exist
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from photo_score.buy_credits import OutOfCredits


class PhotoScoreError(Exception):
    """Base class: a problem the user can understand and act on."""

    exit_code = 3

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(PhotoScoreError):
    exit_code = 2


class ConfigError(PhotoScoreError):
    """An invalid config; the message names the key and the rule it broke."""

    exit_code = 2


class PhotoError(PhotoScoreError):
    """One photo failed. Carries the path so batch reports can name it."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFormatError(PhotoError):
    pass


class CorruptImageError(PhotoError):
    pass


class ImageTooLargeError(PhotoError):
    pass


class AnalyzerError(PhotoScoreError):
    pass


class AnalyzerUnavailableError(AnalyzerError):
    """No analyzer can serve the request (offline, no key, no credits)."""


class OutOfCreditsError(AnalyzerUnavailableError):
    """The cloud refused an analysis for lack of credits (HTTP 402). ``offer`` is what the
    cloud said: the balance, the credit packs and the checkout request that buys one."""

    def __init__(self, message: str, offer: OutOfCredits) -> None:
        super().__init__(message)
        self.offer = offer


class RunStoppedError(AnalyzerError):
    """The analyzer cannot go on with this run; finished photos are kept, none is failed."""


class CacheError(PhotoScoreError):
    pass


class NotFoundError(PhotoScoreError):
    exit_code = 4
