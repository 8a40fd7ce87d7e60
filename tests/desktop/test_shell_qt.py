"""Offscreen smoke test of the desktop window (pywebview + Qt WebEngine).

Runs in a child process (Qt starts once per process and wants the main thread): the
window comes up on the sidecar's token URL, ``evaluate_js`` reads the page title the
sidecar served, closing the window stops the sidecar and removes sidecar.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("webview", reason="needs photo-score-sidecar[app] (pywebview[qt])")
pytest.importorskip("PyQt6.QtWebEngineWidgets", reason="needs PyQt6-WebEngine")

SCRIPT = textwrap.dedent(
    """
    import json, socket, sys
    from pathlib import Path
    from photo_score.settings import Settings
    from photo_score_sidecar.shell import launch

    home = Path(sys.argv[1])
    seen = {}

    def started(info):
        seen["port"] = info.port
        seen["json_while_running"] = (home / "sidecar.json").exists()

    def ready(window):
        try:
            window.events.loaded.wait(60)
            seen["title"] = window.evaluate_js("document.title")
            seen["url"] = window.get_current_url()
        finally:
            window.destroy()

    launch(Settings(home=home), on_started=started, on_ready=ready)
    with socket.socket() as probe:
        seen["port_open_after"] = probe.connect_ex(("127.0.0.1", seen["port"])) == 0
    seen["json_after"] = (home / "sidecar.json").exists()
    print("RESULT " + json.dumps(seen))
    """
)


def test_window_shows_the_sidecar_and_closing_stops_it(tmp_path: Path) -> None:
    script = tmp_path / "smoke.py"
    script.write_text(SCRIPT)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_DISABLE_SANDBOX": "1",
        "QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "home")],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines, done.stdout + done.stderr
    seen = json.loads(lines[-1][7:])
    assert seen["json_while_running"] is True
    assert seen["title"] == "photo-score"
    assert "token=" not in seen["url"]  # the token was exchanged for the cookie
    assert seen["port_open_after"] is False
    assert seen["json_after"] is False
