"""The event-schema helper the publishing tests rely on: AWS's documented samples pass, and a
record that breaks its schema is reported, path and reason."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.events_schema import EVENT_SCHEMAS, schema_errors

SAMPLES = Path(__file__).resolve().parent / "schemas" / "samples"


def sample(name: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    return record


@pytest.mark.parametrize("event_type", sorted(EVENT_SCHEMAS))
def test_each_aws_sample_fits_its_schema(event_type: str) -> None:
    record = sample(EVENT_SCHEMAS[event_type])
    assert record["eventType"] == event_type
    assert schema_errors(record) == []


def test_a_broken_record_is_reported_with_its_path() -> None:
    record = copy.deepcopy(sample("bounce.json"))
    del record["mail"]["messageId"]
    record["bounce"]["bounceType"] = "Soft"
    assert schema_errors(record) == [
        "$.bounce.bounceType: 'Soft' is not one of ['Undetermined', 'Permanent', 'Transient']",
        "$.mail: 'messageId' is a required property",
    ]


def test_an_unknown_event_type_is_reported() -> None:
    assert schema_errors({"eventType": "Opened"}) == [
        "$.eventType: 'Opened' is not one of ['Bounce', 'Click', 'Complaint', 'Delivery',"
        " 'DeliveryDelay', 'Open', 'Reject', 'Rendering Failure', 'Send', 'Subscription']"
    ]
