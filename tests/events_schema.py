"""Checks event records against the shared SES event schemas (../shared/ses-reference)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "ses-reference"


def _validator() -> ModuleType:
    path = REFERENCE / "validate_event.py"
    spec = importlib.util.spec_from_file_location("validate_event", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"the shared event validator is missing: {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_VALIDATE = _validator()


def schema_errors(record: dict[str, Any]) -> list[str]:
    return list(_VALIDATE.validate(record))
