"""The renderer's TypeScript client is generated from the committed OpenAPI document."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _exporter() -> object:
    script = ROOT / "scripts" / "export_openapi.py"
    spec = importlib.util.spec_from_file_location("export_openapi", script)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_openapi_is_current() -> None:
    exporter = _exporter()
    target: Path = exporter.TARGET  # type: ignore[attr-defined]
    assert target.read_text(encoding="utf-8") == exporter.render(), (  # type: ignore[attr-defined]
        "packages/desktop/renderer/openapi.json is stale: "
        "run `uv run python scripts/export_openapi.py`"
    )


def test_operation_ids_are_tag_dash_name_and_errors_have_one_shape() -> None:
    doc = json.loads((ROOT / "packages/desktop/renderer/openapi.json").read_text())
    ids = []
    for path, methods in doc["paths"].items():
        assert path.startswith("/api/")
        for operation in methods.values():
            tag = operation["tags"][0]
            assert operation["operationId"].startswith(f"{tag}-")
            ids.append(operation["operationId"])
            error = operation["responses"]["4XX"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorResponse"}
    assert len(ids) == len(set(ids))
