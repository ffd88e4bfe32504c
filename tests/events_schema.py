"""Checks event-publishing records against the JSON Schemas of AWS's event formats in
tests/schemas/ (draft 2020-12, one per eventType, each referring to mail.json)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMAS = Path(__file__).resolve().parent / "schemas"

# eventType -> its schema file; the file names follow the event type in snake case.
EVENT_SCHEMAS = {
    "Send": "send.json",
    "Reject": "reject.json",
    "Bounce": "bounce.json",
    "Complaint": "complaint.json",
    "Delivery": "delivery.json",
    "Open": "open.json",
    "Click": "click.json",
    "Rendering Failure": "rendering_failure.json",
    "DeliveryDelay": "delivery_delay.json",
    "Subscription": "subscription.json",
}


@cache
def _registry() -> Registry:
    """Every schema under its own $id, so "mail.json" resolves against an event's $id."""
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


@cache
def _validator(event_type: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / EVENT_SCHEMAS[event_type]).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=_registry())


def schema_errors(record: dict[str, Any]) -> list[str]:
    """Each way the record breaks its event type's schema, as `$.path: message`; [] if none."""
    event_type = record.get("eventType")
    if event_type not in EVENT_SCHEMAS:
        return [f"$.eventType: {event_type!r} is not one of {sorted(EVENT_SCHEMAS)}"]
    errors = sorted(
        _validator(event_type).iter_errors(record), key=lambda e: list(map(str, e.absolute_path))
    )
    return [f"${''.join(_step(p) for p in e.absolute_path)}: {e.message}" for e in errors]


def _step(part: str | int) -> str:
    return f"[{part}]" if isinstance(part, int) else f".{part}"
