"""README.md's operation table is what scripts/operations_table.py makes from the models and
the handler registry: a new handler, a new botocore operation or a merged branch that leaves
it stale fails here."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "operations_table", ROOT / "scripts" / "operations_table.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_table_is_current() -> None:
    script = _script()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == script.rewritten(readme), "run: .venv/bin/python scripts/operations_table.py"


def test_table_has_every_operation_once() -> None:
    from openses.protocol.models import V1, V2, service_model

    rows = _script().rows()
    expected = {("v1", n) for n in service_model(V1).operation_names} | {
        ("v2", n) for n in service_model(V2).operation_names
    }
    assert sorted((api, name) for api, name, _ in rows) == sorted(expected)
    states = {state for _, _, state in rows}
    assert "not implemented" not in states
    assert {"implemented", "stored only"} <= states
    assert ("v2", "CreateTenant", "implemented") in rows
    assert ("v2", "CreateMultiRegionEndpoint", "stored only") in rows
