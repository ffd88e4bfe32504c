"""validation.validate against the sesv2 and ses models, with AWS's exact messages."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openses.protocol.errors import ValidationError
from openses.protocol.models import V1, V2, service_model
from openses.protocol.validation import validate
from tests.protocol import strategies
from tests.protocol.strategies import Wire
from tests.protocol.wire import FEW

NULL = "failed to satisfy constraint: Member must not be null"


def _input(service: str, operation: str) -> Any:
    return service_model(service).operation_model(operation).input_shape


def _message(service: str, operation: str, params: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        validate(_input(service, operation), params)
    assert (caught.value.code, caught.value.status) == ("ValidationError", 400)
    return caught.value.message


@pytest.mark.parametrize(
    ("operation", "params", "message"),
    [
        (
            "CreateConfigurationSet",
            {},
            f"1 validation error detected: Value null at 'configurationSetName' {NULL}",
        ),
        (
            "CreateConfigurationSet",
            {"ConfigurationSetName": "cs", "DeliveryOptions": {"TlsPolicy": "x"}},
            "1 validation error detected: Value 'x' at 'deliveryOptions.tlsPolicy' failed to "
            "satisfy constraint: Member must satisfy enum value set: [REQUIRE, OPTIONAL]",
        ),
        (
            "CreateConfigurationSet",
            {"ConfigurationSetName": "cs", "TrackingOptions": {}},
            f"1 validation error detected: Value null at 'trackingOptions.customRedirectDomain' "
            f"{NULL}",
        ),
        (
            "CreateConfigurationSet",
            {"ConfigurationSetName": "cs", "DeliveryOptions": {"MaxDeliverySeconds": 299}},
            "1 validation error detected: Value '299' at 'deliveryOptions.maxDeliverySeconds' "
            "failed to satisfy constraint: Member must have value greater than or equal to 300",
        ),
        (
            "PutConfigurationSetDeliveryOptions",
            {"ConfigurationSetName": "cs", "MaxDeliverySeconds": 50401},
            "1 validation error detected: Value '50401' at 'maxDeliverySeconds' failed to "
            "satisfy constraint: Member must have value less than or equal to 50400",
        ),
        (
            "CreateConfigurationSet",
            {"ConfigurationSetName": "cs", "Tags": [{"Key": "k"}, None]},
            f"2 validation errors detected: Value null at 'tags.1.member.value' {NULL}; "
            f"Value null at 'tags.2.member' {NULL}",
        ),
        (
            "CreateConfigurationSet",
            {
                "ConfigurationSetName": "cs",
                "DeliveryOptions": {"TlsPolicy": "require", "MaxDeliverySeconds": 10},
                "SuppressionOptions": {"SuppressedReasons": ["BOUNCE", "SPAM"]},
            },
            "3 validation errors detected: "
            "Value 'require' at 'deliveryOptions.tlsPolicy' failed to satisfy constraint: "
            "Member must satisfy enum value set: [REQUIRE, OPTIONAL]; "
            "Value '10' at 'deliveryOptions.maxDeliverySeconds' failed to satisfy constraint: "
            "Member must have value greater than or equal to 300; "
            "Value '[BOUNCE, SPAM]' at 'suppressionOptions.suppressedReasons' failed to satisfy "
            "constraint: Member must satisfy constraint: [Member must satisfy enum value set: "
            "[BOUNCE, COMPLAINT]]",
        ),
        (
            "CreateConfigurationSet",
            {"ConfigurationSetName": "cs", "ArchivingOptions": {"ArchiveArn": "arn:short"}},
            "2 validation errors detected: Value 'arn:short' at 'archivingOptions.archiveArn' "
            "failed to satisfy constraint: Member must have length greater than or equal to 20; "
            "Value 'arn:short' at 'archivingOptions.archiveArn' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: "
            "arn:(aws|aws-[a-z-]+):ses:[a-z]{2,4}-[a-z-]+-[0-9]:[0-9]{1,20}:"
            "mailmanager-archive/a-[a-z0-9]{24,62}",
        ),
        (
            "ListConfigurationSets",
            {"PageSize": True},
            "1 validation error detected: Value 'true' at 'pageSize' failed to satisfy "
            "constraint: Member must be of type integer",
        ),
        (
            "ListConfigurationSets",
            {"PageSize": "10", "NextToken": 5},
            "2 validation errors detected: Value '5' at 'nextToken' failed to satisfy "
            "constraint: Member must be of type string; Value '10' at 'pageSize' failed to "
            "satisfy constraint: Member must be of type integer",
        ),
        (
            "PutConfigurationSetSendingOptions",
            {"ConfigurationSetName": "cs", "SendingEnabled": 1},
            "1 validation error detected: Value '1' at 'sendingEnabled' failed to satisfy "
            "constraint: Member must be of type boolean",
        ),
        (
            "CreateConfigurationSet",
            {"ConfigurationSetName": "cs", "Tags": "k=v"},
            "1 validation error detected: Value 'k=v' at 'tags' failed to satisfy constraint: "
            "Member must be of type list",
        ),
        (
            "CreateConfigurationSet",
            {"ConfigurationSetName": "cs", "ReputationOptions": {"LastFreshStart": "yesterday"}},
            "1 validation error detected: Value 'yesterday' at 'reputationOptions.lastFreshStart' "
            "failed to satisfy constraint: Member must be of type timestamp",
        ),
        (
            "CreateConfigurationSet",
            {"ConfigurationSetName": "cs", "MessageSecurityOptions": {"SigningScheme": {}}},
            "1 validation error detected: Exactly one member of "
            "'messageSecurityOptions.signingScheme' must be set",
        ),
        (
            "CreateConfigurationSet",
            {
                "ConfigurationSetName": "cs",
                "MessageSecurityOptions": {
                    "SigningScheme": {"DefaultScheme": {}, "SmimeScheme": {}}
                },
            },
            "1 validation error detected: Exactly one member of "
            "'messageSecurityOptions.signingScheme' must be set",
        ),
        (
            "CreateMultiRegionEndpoint",
            {"EndpointName": "caf\u00e9", "Details": {"RoutesDetails": [{"Region": "eu-west-1"}]}},
            "1 validation error detected: Value 'caf\u00e9' at 'endpointName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: ^[\\w\\-_]+$",
        ),
        (
            "CreateEmailIdentity",
            {
                "EmailIdentity": "example.com",
                "DkimSigningAttributes": {
                    "DomainSigningSelector": "sel",
                    "DomainSigningPrivateKey": "not base64!",
                },
            },
            "1 validation error detected: Value at 'dkimSigningAttributes.domainSigningPrivateKey'"
            " failed to satisfy constraint: Member must satisfy regular expression pattern: "
            "^[a-zA-Z0-9+\\/]+={0,2}$",
        ),
        (
            "ListConfigurationSets",
            {"PageSize": 1.5},
            "1 validation error detected: Value '1.5' at 'pageSize' failed to satisfy "
            "constraint: Member must be of type integer",
        ),
        (
            "PutAccountDetails",
            {
                "MailType": "MARKETING",
                "WebsiteURL": "https://example.com",
                "AdditionalContactEmailAddresses": [],
            },
            "1 validation error detected: Value at 'additionalContactEmailAddresses' failed to "
            "satisfy constraint: Member must have length greater than or equal to 1",
        ),
    ],
)
def test_v2_messages(operation: str, params: dict[str, Any], message: str) -> None:
    assert _message(V2, operation, params) == message


@pytest.mark.parametrize(
    ("operation", "params", "message"),
    [
        (
            "CreateConfigurationSet",
            {"ConfigurationSet": {}},
            f"1 validation error detected: Value null at 'configurationSet.name' {NULL}",
        ),
        (
            "DescribeConfigurationSet",
            {
                "ConfigurationSetName": "cs",
                "ConfigurationSetAttributeNames": ["eventDestinations", "nope"],
            },
            "1 validation error detected: Value '[eventDestinations, nope]' at "
            "'configurationSetAttributeNames' failed to satisfy constraint: Member must satisfy "
            "constraint: [Member must satisfy enum value set: [eventDestinations, "
            "trackingOptions, deliveryOptions, reputationOptions]]",
        ),
        (
            "ListConfigurationSets",
            {"MaxItems": False},
            "1 validation error detected: Value 'false' at 'maxItems' failed to satisfy "
            "constraint: Member must be of type integer",
        ),
    ],
)
def test_v1_messages(operation: str, params: dict[str, Any], message: str) -> None:
    assert _message(V1, operation, params) == message


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("ListConfigurationSets", {}),
        ("ListConfigurationSets", {"PageSize": 0, "NextToken": ""}),
        (
            "CreateConfigurationSet",
            {
                "ConfigurationSetName": "cs",
                "DeliveryOptions": {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 300},
                "ReputationOptions": {
                    "ReputationMetricsEnabled": False,
                    "LastFreshStart": datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC),
                },
                "Tags": [{"Key": "k", "Value": ""}],
                "MessageSecurityOptions": {"SigningScheme": {"DefaultScheme": {}}},
                "ArchivingOptions": {
                    "ArchiveArn": "arn:aws:ses:us-east-1:123456789012:mailmanager-archive/a-"
                    + "0" * 24
                },
            },
        ),
        (
            "CreateMultiRegionEndpoint",
            {"EndpointName": "ok_name-1", "Details": {"RoutesDetails": []}},
        ),
    ],
)
def test_valid_input_passes(operation: str, params: dict[str, Any]) -> None:
    validate(_input(V2, operation), params)


def test_unknown_members_are_ignored() -> None:
    validate(_input(V2, "ListConfigurationSets"), {"Unknown": object()})


@pytest.mark.parametrize("name", ["CreateConfigurationSet", "SendEmail", "PutAccountDetails"])
@FEW
@given(data=st.data())
def test_generated_input_never_crashes(name: str, data: st.DataObject) -> None:
    """Anything a client can put on the wire is either valid or a ValidationError."""
    shape = _input(V2, name)
    params = data.draw(strategies.for_shape(shape, Wire.JSON_REQUEST))
    problems = _problems(shape, params)
    if problems is not None:
        assert re.fullmatch(
            r"1 validation error detected: .+|([2-9]|[1-9]\d+) validation errors detected: .+",
            problems,
            re.S,
        )


def _problems(shape: Any, params: dict[str, Any]) -> str | None:
    try:
        validate(shape, params)
    except ValidationError as exc:
        return exc.message
    return None
