"""Every registered handler names a real operation and takes exactly its input members."""

from __future__ import annotations

import inspect

import pytest
from botocore import xform_name

from openses.api.registry import Handlers
from openses.protocol.models import V1, V2, service_model

HANDLERS = Handlers.discover()

CONFIGURATION_SET_OPERATIONS = {
    V2: [
        "CreateConfigurationSet",
        "GetConfigurationSet",
        "ListConfigurationSets",
        "DeleteConfigurationSet",
        "PutConfigurationSetSendingOptions",
        "PutConfigurationSetDeliveryOptions",
        "PutConfigurationSetTrackingOptions",
        "PutConfigurationSetReputationOptions",
        "PutConfigurationSetSuppressionOptions",
        "PutConfigurationSetVdmOptions",
        "PutConfigurationSetArchivingOptions",
        "CreateConfigurationSetEventDestination",
        "GetConfigurationSetEventDestinations",
        "UpdateConfigurationSetEventDestination",
        "DeleteConfigurationSetEventDestination",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
    ],
    V1: [
        "CreateConfigurationSet",
        "DescribeConfigurationSet",
        "ListConfigurationSets",
        "DeleteConfigurationSet",
        "CreateConfigurationSetEventDestination",
        "UpdateConfigurationSetEventDestination",
        "DeleteConfigurationSetEventDestination",
        "CreateConfigurationSetTrackingOptions",
        "UpdateConfigurationSetTrackingOptions",
        "DeleteConfigurationSetTrackingOptions",
        "PutConfigurationSetDeliveryOptions",
        "UpdateConfigurationSetReputationMetricsEnabled",
        "UpdateConfigurationSetSendingEnabled",
    ],
}


@pytest.mark.parametrize(("service", "name"), sorted(HANDLERS.registered()))
def test_handler_matches_model(service: str, name: str) -> None:
    operation = service_model(service).operation_model(name)
    shape = operation.input_shape
    members = {xform_name(m): m for m in shape.members} if shape is not None else {}
    required = {xform_name(m) for m in shape.required_members} if shape is not None else set()
    parameters = inspect.signature(HANDLERS.registered()[(service, name)]).parameters
    keyword_only = {
        p.name: p for p in parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    assert set(keyword_only) == set(members), f"{service}:{name} parameters differ from the model"
    for parameter_name, parameter in keyword_only.items():
        has_default = parameter.default is not inspect.Parameter.empty
        assert has_default == (parameter_name not in required), parameter_name


@pytest.mark.parametrize("service", [V1, V2])
def test_every_configuration_set_operation_is_registered(service: str) -> None:
    names = {name for svc, name in HANDLERS.registered() if svc == service}
    assert set(CONFIGURATION_SET_OPERATIONS[service]) <= names
