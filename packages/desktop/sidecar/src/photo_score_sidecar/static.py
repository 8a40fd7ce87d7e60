"""The renderer's built files at ``/``; index.html for client-side routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response

from photo_score.errors import NotFoundError

BUILD_HELP = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>photo-score</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>photo-score</h1>
<p>The sidecar is running, but the user interface has not been built.</p>
<p>Build it once:</p>
<pre>cd packages/desktop/renderer
npm ci
npm run build</pre>
<p>then reload this page. The API is at <code>/api/</code> (see <code>/api/openapi.json</code>).</p>
</body></html>
"""


def mount_ui(app: FastAPI, ui_dir: Path | None) -> None:
    root = ui_dir.resolve() if ui_dir is not None else None

    @app.get("/{path:path}", include_in_schema=False)
    def ui(path: str) -> Response:
        if path == "api" or path.startswith("api/"):
            raise NotFoundError(f"/{path}: no such API endpoint")
        if root is None or not (root / "index.html").is_file():
            return HTMLResponse(BUILD_HELP)
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            immutable = candidate.is_relative_to(root / "assets")
            cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
            return FileResponse(candidate, headers={"cache-control": cache})
        return FileResponse(root / "index.html", headers={"cache-control": "no-cache"})
