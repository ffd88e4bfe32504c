"""v2 refuses a malformed configuration-set name in the path of every operation that names a
set there, before anything else (api/v2/path_names.py)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from openses.protocol.models import V2, service_model

BAD = "bad name!"
DESTINATION = {"MatchingEventTypes": ["SEND"], "SnsDestination": {"TopicArn": "x"}}
# The members besides ConfigurationSetName that botocore needs to build each request.
EXTRA: dict[str, dict[str, Any]] = {
    "CreateConfigurationSetEventDestination": {
        "EventDestinationName": "d",
        "EventDestination": DESTINATION,
    },
    "UpdateConfigurationSetEventDestination": {
        "EventDestinationName": "d",
        "EventDestination": DESTINATION,
    },
    "DeleteConfigurationSetEventDestination": {"EventDestinationName": "d"},
    "PutConfigurationSetVdmOptions": {},
    "PutConfigurationSetSuppressionOptions": {},
}


def _operations() -> list[str]:
    model = service_model(V2)
    return sorted(
        name
        for name in model.operation_names
        if (shape := model.operation_model(name).input_shape) is not None
        and "ConfigurationSetName" in shape.members
        and shape.members["ConfigurationSetName"].serialization.get("location") == "uri"
    )


def test_the_rule_covers_the_thirteen_operations() -> None:
    assert len(_operations()) == 13


@pytest.mark.parametrize("operation", _operations())
def test_a_bad_name_in_the_path_is_refused_first(unchecked_sesv2: Any, operation: str) -> None:
    method = getattr(unchecked_sesv2, xform_name(operation))
    with pytest.raises(ClientError) as raised:
        method(ConfigurationSetName=BAD, **EXTRA.get(operation, {}))
    error = raised.value.response
    assert (error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]) == (
        400,
        {
            "Code": "BadRequestException",
            "Message": f"Invalid configuration set name <{BAD}>: only alphanumeric ASCII "
            "characters, '_', and '-' are allowed.",
        },
    )
