"""Fuzz the published OpenAPI schema against a live server: no input gets a 5xx, and every
documented response matches its schema.

Schemathesis runs as its CLI (`st run`) against a real `photo-score-cloud serve` process,
authenticated as a user with credits so the fuzzer reaches the handlers rather than the 401.
Bounded and reproducible: a fixed seed and a fixed number of examples per operation.
/auth/logout is left out because it would end the fuzzer's own session.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx

from tests.cloud.conftest import SCHEMATHESIS_CASES
from tests.cloud.helpers import CloudDb, LiveServer, signup

MAX_EXAMPLES = 25


def test_no_input_causes_a_server_error(
    live_pair: tuple[LiveServer, LiveServer], cloud_db: CloudDb, tmp_path: Path
) -> None:
    api = live_pair[0]
    with httpx.Client(base_url=api.url) as http:
        session = signup(http, "fuzz@example.test")
    cloud_db.set_balance(session["user"]["id"], 100_000)
    st = Path(sys.executable).with_name("st")
    result = subprocess.run(
        [str(st), "run", api.url + "/openapi.json",
         "--checks", "not_a_server_error,response_schema_conformance",
         "--exclude-path", "/auth/logout",
         "--max-examples", str(MAX_EXAMPLES), "--seed", "1", "--no-color",
         "--report-dir", str(tmp_path),
         "-H", f"Authorization: Bearer {session['access_token']}"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "Authentication failed" not in output  # the fuzzer really got past the 401
    found = re.search(r"(\d+) generated, (\d+) passed", output)
    assert found, output[-2000:]
    generated, passed = int(found[1]), int(found[2])
    assert generated == passed > 100
    SCHEMATHESIS_CASES["st run (all operations)"] = generated
