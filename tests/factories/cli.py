"""Driving the photo-score CLI in-process from tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)
