"""Bad input, through both APIs: each gets AWS's error and leaves the stored state as it was."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from botocore.exceptions import ClientError

from openses.config import Settings
from tests.support import (
    LiveServer,
    all_set_names,
    database_url,
    serve_in_thread,
    unique,
    v2_configuration_sets,
)

SNS_TOPIC = "arn:aws:sns:us-east-1:123456789012:events"
SNS_DESTINATION = {"MatchingEventTypes": ["SEND"], "SnsDestination": {"TopicArn": SNS_TOPIC}}
V1_NS = {"ses": "http://ses.amazonaws.com/doc/2010-12-01/"}
FRESH = {
    "DeliveryOptions": {"TlsPolicy": "OPTIONAL"},
    "ReputationOptions": {"ReputationMetricsEnabled": False},
    "SendingOptions": {"SendingEnabled": True},
    "Tags": [],
}


def rejected(call: Callable[[], Any]) -> tuple[dict[str, str], int]:
    """The error a call got (Code and Message, plus Type on v1) and its HTTP status."""
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value.response["Error"], raised.value.response["ResponseMetadata"][
        "HTTPStatusCode"
    ]


def bad_request(message: str) -> tuple[dict[str, str], int]:
    return {"Code": "BadRequestException", "Message": message}, 400


def stored(sesv2: Any, name: str) -> dict[str, Any]:
    got = sesv2.get_configuration_set(ConfigurationSetName=name)
    return {key: value for key, value in got.items() if key not in ("ResponseMetadata",)}


def destinations(sesv2: Any, name: str) -> list[dict[str, Any]]:
    got = sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)
    return list(got["EventDestinations"])


@pytest.fixture
def make_set(sesv2: Any) -> Iterator[Callable[..., str]]:
    with v2_configuration_sets(sesv2, "bad") as make:
        yield make


# --- v2: members of the wrong JSON type -------------------------------------------------------

WRONG_TYPES: dict[str, Callable[[Any, str], Any]] = {
    "number-for-name": lambda v2, name: v2.create_configuration_set(ConfigurationSetName=12345),
    "string-for-boolean-in-create": lambda v2, name: v2.create_configuration_set(
        ConfigurationSetName=name + "-new", SendingOptions={"SendingEnabled": "yes"}
    ),
    "string-for-boolean": lambda v2, name: v2.put_configuration_set_sending_options(
        ConfigurationSetName=name, SendingEnabled="false"
    ),
    "number-for-boolean": lambda v2, name: v2.put_configuration_set_reputation_options(
        ConfigurationSetName=name, ReputationMetricsEnabled=1
    ),
    "string-for-long": lambda v2, name: v2.put_configuration_set_delivery_options(
        ConfigurationSetName=name, MaxDeliverySeconds="600"
    ),
    "number-for-enum": lambda v2, name: v2.put_configuration_set_delivery_options(
        ConfigurationSetName=name, TlsPolicy=1
    ),
    "number-for-tag-key": lambda v2, name: v2.tag_resource(
        ResourceArn=f"arn:aws:ses:us-east-1:123456789012:configuration-set/{name}",
        Tags=[{"Key": 7, "Value": "v"}],
    ),
    "string-for-boolean-in-destination": lambda v2, name: (
        v2.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestinationName="d1",
            EventDestination={**SNS_DESTINATION, "Enabled": "true"},
        )
    ),
}


@pytest.mark.parametrize("case", list(WRONG_TYPES))
def test_v2_wrong_json_type_changes_nothing(
    sesv2: Any, unchecked_sesv2: Any, make_set: Callable[..., str], case: str
) -> None:
    name = make_set()
    _, status = rejected(lambda: WRONG_TYPES[case](unchecked_sesv2, name))
    assert status == 400
    assert stored(sesv2, name) == {"ConfigurationSetName": name, **FRESH}
    assert destinations(sesv2, name) == []
    names = all_set_names(sesv2)
    assert "12345" not in names
    assert name + "-new" not in names


@pytest.mark.parametrize("case", ["number-for-name", "string-for-boolean"])
def test_v2_wrong_json_type_is_a_serialization_error(
    unchecked_sesv2: Any, make_set: Callable[..., str], case: str
) -> None:
    name = make_set()
    error, status = rejected(lambda: WRONG_TYPES[case](unchecked_sesv2, name))
    assert (error["Code"], status) == ("SerializationException", 400)


def test_v2_wrong_json_type_message(unchecked_sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set()
    assert rejected(
        lambda: unchecked_sesv2.put_configuration_set_sending_options(
            ConfigurationSetName=name, SendingEnabled="false"
        )
    ) == (
        {
            "Code": "SerializationException",
            "Message": "VALUE_STRING can not be converted to a Boolean",
        },
        400,
    )


# --- v2: enums, names -------------------------------------------------------------------------


def test_v2_unknown_enum_values(
    sesv2: Any, unchecked_sesv2: Any, make_set: Callable[..., str]
) -> None:
    name = make_set()
    new_name = unique("bad")
    assert rejected(
        lambda: unchecked_sesv2.create_configuration_set(
            ConfigurationSetName=new_name, DeliveryOptions={"TlsPolicy": "MAYBE"}
        )
    ) == bad_request(
        "1 validation error detected: Value 'MAYBE' at 'deliveryOptions.tlsPolicy' failed to "
        "satisfy constraint: Member must satisfy enum value set: [REQUIRE, OPTIONAL]"
    )
    assert rejected(
        lambda: unchecked_sesv2.put_configuration_set_delivery_options(
            ConfigurationSetName=name, TlsPolicy="MAYBE"
        )
    ) == bad_request(
        "1 validation error detected: Value 'MAYBE' at 'tlsPolicy' failed to satisfy "
        "constraint: Member must satisfy enum value set: [REQUIRE, OPTIONAL]"
    )
    assert rejected(
        lambda: unchecked_sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestinationName="d1",
            EventDestination={**SNS_DESTINATION, "MatchingEventTypes": ["SEND", "NOPE"]},
        )
    ) == bad_request(
        "1 validation error detected: Value '[SEND, NOPE]' at "
        "'eventDestination.matchingEventTypes' failed to satisfy constraint: Member must satisfy "
        "constraint: [Member must satisfy enum value set: [SEND, REJECT, BOUNCE, COMPLAINT, "
        "DELIVERY, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION]]"
    )
    assert rejected(
        lambda: unchecked_sesv2.put_configuration_set_suppression_options(
            ConfigurationSetName=name, SuppressedReasons=["BOUNCE", "SPAM"]
        )
    ) == bad_request(
        "1 validation error detected: Value '[BOUNCE, SPAM]' at 'suppressedReasons' failed to "
        "satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value "
        "set: [BOUNCE, COMPLAINT]]"
    )
    assert stored(sesv2, name) == {"ConfigurationSetName": name, **FRESH}
    assert destinations(sesv2, name) == []
    assert new_name not in all_set_names(sesv2)


def test_v2_overlong_name(sesv2: Any, unchecked_sesv2: Any) -> None:
    longest = unique("n").ljust(64, "x")
    too_long = longest + "y"
    assert rejected(
        lambda: unchecked_sesv2.create_configuration_set(ConfigurationSetName=too_long)
    ) == bad_request("Configuration set name cannot exceed 64 characters.")
    assert too_long not in all_set_names(sesv2)
    sesv2.create_configuration_set(ConfigurationSetName=longest)
    try:
        assert stored(sesv2, longest) == {"ConfigurationSetName": longest, **FRESH}
    finally:
        sesv2.delete_configuration_set(ConfigurationSetName=longest)


@pytest.mark.parametrize("name", ["a b", "caf\u00e9", "dots.are.bad", "slash/bad", "<x>"])
def test_v2_bad_characters_in_name(sesv2: Any, unchecked_sesv2: Any, name: str) -> None:
    assert rejected(
        lambda: unchecked_sesv2.create_configuration_set(ConfigurationSetName=name)
    ) == bad_request(
        f"Invalid configuration set name <{name}>: only alphanumeric ASCII characters, '_', "
        "and '-' are allowed."
    )
    assert name not in all_set_names(sesv2)


def test_v2_empty_name(sesv2: Any, unchecked_sesv2: Any) -> None:
    assert rejected(
        lambda: unchecked_sesv2.create_configuration_set(ConfigurationSetName="")
    ) == bad_request("The configuration set name must be specified.")
    assert "" not in all_set_names(sesv2)


@pytest.mark.parametrize("destination_name", ["a b", "d" * 65], ids=["space", "65-chars"])
def test_v2_bad_event_destination_name(
    sesv2: Any, unchecked_sesv2: Any, make_set: Callable[..., str], destination_name: str
) -> None:
    name = make_set()
    assert rejected(
        lambda: unchecked_sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestinationName=destination_name,
            EventDestination=SNS_DESTINATION,
        )
    ) == bad_request(
        f"Invalid event destination name <{destination_name}>: only alphanumeric ASCII "
        "characters, '_' and '-' are allowed, up to 64 characters."
    )
    assert destinations(sesv2, name) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "a b",
            "Invalid configuration set name <a b>: only alphanumeric ASCII characters, '_', "
            "and '-' are allowed.",
        ),
        ("n" * 65, "Configuration set name cannot exceed 64 characters."),
    ],
)
def test_v2_get_checks_the_name_before_the_lookup(
    unchecked_sesv2: Any, name: str, message: str
) -> None:
    assert rejected(
        lambda: unchecked_sesv2.get_configuration_set(ConfigurationSetName=name)
    ) == bad_request(message)


# --- v2: raw bodies and paths -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b'{"ConfigurationSetName": "NAME", ',
            "Could not parse request body into json: Expecting property name enclosed in "
            "double quotes",
        ),
        (
            b'{"ConfigurationSetName": "NAME"',
            "Could not parse request body into json: Expecting ',' delimiter",
        ),
        (
            b'["ConfigurationSetName", "NAME"]',
            "Could not parse request body into json: expected an object",
        ),
        (b'"NAME"', "Could not parse request body into json: expected an object"),
    ],
    ids=["truncated", "unclosed", "array", "string"],
)
def test_v2_malformed_json_body(server: LiveServer, sesv2: Any, body: bytes, message: str) -> None:
    name = unique("raw")
    response = httpx.post(
        f"{server.url}/v2/email/configuration-sets",
        content=body.replace(b"NAME", name.encode()),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "SerializationException"
    assert response.json() == {"message": message}
    assert name not in all_set_names(sesv2)


def test_v2_valid_raw_body_is_accepted(server: LiveServer, sesv2: Any) -> None:
    """The raw requests above differ from this one only in the body."""
    name = unique("raw")
    response = httpx.post(
        f"{server.url}/v2/email/configuration-sets",
        content=json.dumps({"ConfigurationSetName": name}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert (response.status_code, response.json()) == (200, {})
    assert stored(sesv2, name) == {"ConfigurationSetName": name, **FRESH}
    sesv2.delete_configuration_set(ConfigurationSetName=name)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v2/email/no-such-thing"),
        ("POST", "/v2/email/configuration-sets/NAME"),
        ("PATCH", "/v2/email/configuration-sets"),
        ("DELETE", "/v2/email/configuration-sets"),
        ("GET", "/v2/email/configuration-sets/NAME/no-such-thing"),
    ],
)
def test_v2_unknown_operation(
    server: LiveServer, sesv2: Any, make_set: Callable[..., str], method: str, path: str
) -> None:
    name = make_set()
    response = httpx.request(
        method,
        server.url + path.replace("NAME", name),
        content=b"{}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert response.json() == {"message": ""}
    assert stored(sesv2, name) == {"ConfigurationSetName": name, **FRESH}


# --- v1 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["events", "arn:aws:sqs:us-east-1:123456789012:q", "arn:aws:sns:us-east-1:1:t"]
)
def test_event_destination_topic_that_is_not_an_sns_arn(
    ses: Any, sesv2: Any, make_set: Callable[..., str], value: str
) -> None:
    name = make_set()
    message = f"SNS topic <{value}> is not a valid topic ARN."
    v2_definition = {"MatchingEventTypes": ["SEND"], "SnsDestination": {"TopicArn": value}}
    v1_definition = {
        "Name": "d1",
        "MatchingEventTypes": ["send"],
        "SNSDestination": {"TopicARN": value},
    }
    calls: list[tuple[Callable[[], Any], tuple[dict[str, str], int]]] = [
        (
            lambda: sesv2.create_configuration_set_event_destination(
                ConfigurationSetName=name,
                EventDestinationName="d1",
                EventDestination=v2_definition,
            ),
            bad_request(message),
        ),
        (
            lambda: ses.create_configuration_set_event_destination(
                ConfigurationSetName=name, EventDestination=v1_definition
            ),
            ({"Type": "Sender", "Code": "InvalidSNSDestination", "Message": message}, 400),
        ),
    ]
    for call, expected in calls:
        assert rejected(call) == expected
    assert destinations(sesv2, name) == []
    # An update to a bad topic leaves the stored destination as it was.
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestinationName="d1", EventDestination=SNS_DESTINATION
    )
    assert rejected(
        lambda: sesv2.update_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestinationName="d1", EventDestination=v2_definition
        )
    ) == bad_request(message)
    assert rejected(
        lambda: ses.update_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestination=v1_definition
        )
    ) == ({"Type": "Sender", "Code": "InvalidSNSDestination", "Message": message}, 400)
    assert destinations(sesv2, name) == [{"Name": "d1", "Enabled": False, **SNS_DESTINATION}]


def v1_post(server: LiveServer, body: bytes) -> tuple[int, dict[str, str | None]]:
    response = httpx.post(
        server.url + "/",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    root = ET.fromstring(response.content)
    assert root.tag == "{http://ses.amazonaws.com/doc/2010-12-01/}ErrorResponse"
    error = root.find("ses:Error", V1_NS)
    assert error is not None
    fields = {child.tag.split("}", 1)[1]: child.text for child in error}
    assert root.findtext("ses:RequestId", namespaces=V1_NS) == response.headers["x-amzn-RequestId"]
    return response.status_code, fields


def v1_error(code: str, message: str) -> tuple[int, dict[str, str | None]]:
    return 400, {"Type": "Sender", "Code": code, "Message": message}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", v1_error("MissingAction", "The request must contain the parameter Action.")),
        (
            b"Version=2010-12-01&ConfigurationSet.Name=NAME",
            v1_error("MissingAction", "The request must contain the parameter Action."),
        ),
        (
            b"Action=&ConfigurationSet.Name=NAME",
            v1_error("MissingAction", "The request must contain the parameter Action."),
        ),
        (b"&&&===", v1_error("MissingAction", "The request must contain the parameter Action.")),
        (
            b"Action=CreateConfigurationSetz&Version=2010-12-01&ConfigurationSet.Name=NAME",
            v1_error(
                "InvalidAction",
                "Could not find operation CreateConfigurationSetz for version 2010-12-01",
            ),
        ),
        (
            b"Action=CreateConfigurationSet&Version=2010-12-01&ConfigurationSetName=NAME",
            v1_error(
                "ValidationError",
                "1 validation error detected: Value null at 'configurationSet' failed to "
                "satisfy constraint: Member must not be null",
            ),
        ),
        (
            b"Action=CreateConfigurationSet&Version=2010-12-01&ConfigurationSet.Name=NAME%20x",
            v1_error(
                "InvalidConfigurationSet",
                "Invalid configuration set name <NAME x>: only alphanumeric ASCII characters, "
                "'_', and '-' are allowed.",
            ),
        ),
        (
            b"Action=CreateConfigurationSet&Version=2010-12-01&ConfigurationSet.Name=NAME"
            + b"x" * 60,
            v1_error(
                "InvalidConfigurationSet", "Configuration set name cannot exceed 64 characters."
            ),
        ),
    ],
    ids=[
        "empty-body",
        "no-action",
        "empty-action",
        "only-separators",
        "unknown-action",
        "missing-required",
        "bad-characters",
        "overlong-name",
    ],
)
def test_v1_malformed_form(
    server: LiveServer, sesv2: Any, body: bytes, expected: tuple[int, dict[str, str]]
) -> None:
    name = unique("form")
    status, fields = v1_post(server, body.replace(b"NAME", name.encode()))
    # The expected messages spell the unique name as NAME.
    fields["Message"] = str(fields["Message"]).replace(name, "NAME")
    assert (status, fields) == expected
    assert not [n for n in all_set_names(sesv2) if n.startswith(name)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"Action=UpdateConfigurationSetSendingEnabled&ConfigurationSetName=NAME&Enabled=maybe",
            "1 validation error detected: Value 'maybe' at 'enabled' failed to satisfy "
            "constraint: Member must be of type boolean",
        ),
        (
            b"Action=UpdateConfigurationSetReputationMetricsEnabled&ConfigurationSetName=NAME"
            b"&Enabled=",
            "1 validation error detected: Value '' at 'enabled' failed to satisfy constraint: "
            "Member must be of type boolean",
        ),
        (
            b"Action=PutConfigurationSetDeliveryOptions&ConfigurationSetName=NAME"
            b"&DeliveryOptions.TlsPolicy=REQUIRE",
            "1 validation error detected: Value 'REQUIRE' at 'deliveryOptions.tlsPolicy' failed "
            "to satisfy constraint: Member must satisfy enum value set: [Require, Optional]",
        ),
        (
            b"Action=ListConfigurationSets&MaxItems=ten",
            "1 validation error detected: Value 'ten' at 'maxItems' failed to satisfy "
            "constraint: Member must be of type integer",
        ),
        (
            b"Action=CreateConfigurationSetEventDestination&ConfigurationSetName=NAME"
            b"&EventDestination.Name=d1&EventDestination.MatchingEventTypes.member.1=SEND"
            b"&EventDestination.SNSDestination.TopicARN=arn:aws:sns:us-east-1:1:t",
            "1 validation error detected: Value '[SEND]' at "
            "'eventDestination.matchingEventTypes' failed to satisfy constraint: Member must "
            "satisfy constraint: [Member must satisfy enum value set: [send, reject, bounce, "
            "complaint, delivery, open, click, renderingFailure]]",
        ),
    ],
    ids=["bad-boolean", "empty-boolean", "v2-spelling-of-enum", "bad-integer", "v2-event-type"],
)
def test_v1_wrong_types_change_nothing(
    server: LiveServer, sesv2: Any, make_set: Callable[..., str], body: bytes, message: str
) -> None:
    name = make_set()
    assert v1_post(server, body.replace(b"NAME", name.encode())) == v1_error(
        "ValidationError", message
    )
    assert stored(sesv2, name) == {"ConfigurationSetName": name, **FRESH}
    assert destinations(sesv2, name) == []


def test_v1_bad_names_through_boto3(sesv2: Any, unchecked_ses: Any) -> None:
    name = unique("v1")
    assert rejected(
        lambda: unchecked_ses.create_configuration_set(ConfigurationSet={"Name": name + " x"})
    ) == (
        {
            "Type": "Sender",
            "Code": "InvalidConfigurationSet",
            "Message": f"Invalid configuration set name <{name} x>: only alphanumeric ASCII "
            "characters, '_', and '-' are allowed.",
        },
        400,
    )
    assert rejected(
        lambda: unchecked_ses.create_configuration_set(ConfigurationSet={"Name": name * 5})
    ) == (
        {
            "Type": "Sender",
            "Code": "InvalidConfigurationSet",
            "Message": "Configuration set name cannot exceed 64 characters.",
        },
        400,
    )
    assert rejected(lambda: unchecked_ses.create_configuration_set(ConfigurationSet={})) == (
        {
            "Type": "Sender",
            "Code": "ValidationError",
            "Message": "1 validation error detected: Value null at 'configurationSet' "
            "failed to satisfy constraint: Member must not be null",
        },
        400,
    )
    assert not [n for n in all_set_names(sesv2) if n.startswith(name)]


# --- quota ------------------------------------------------------------------------------------


@pytest.fixture
def small_server(backend: str, tmp_path: Path) -> Iterator[LiveServer]:
    with (
        database_url(backend, str(tmp_path)) as url,
        serve_in_thread(Settings(database_url=url, max_configuration_sets=3)) as live,
    ):
        yield live


def test_configuration_set_quota(small_server: LiveServer) -> None:
    v2 = small_server.client("sesv2")
    v1 = small_server.client("ses")
    names = sorted(unique("quota") for _ in range(4))
    for name in names[:3]:
        v2.create_configuration_set(ConfigurationSetName=name)
    message = "Maximum number of configuration sets (3) reached."
    assert rejected(lambda: v2.create_configuration_set(ConfigurationSetName=names[3])) == (
        {"Code": "LimitExceededException", "Message": message},
        400,
    )
    assert rejected(lambda: v1.create_configuration_set(ConfigurationSet={"Name": names[3]})) == (
        {"Type": "Sender", "Code": "LimitExceeded", "Message": message},
        400,
    )
    assert v2.list_configuration_sets()["ConfigurationSets"] == names[:3]

    # The quota is per account and per region.
    other_account = small_server.client("sesv2", access_key="333333333333")
    other_region = small_server.client("sesv2", region="eu-west-1")
    for client in (other_account, other_region):
        client.create_configuration_set(ConfigurationSetName=names[3])
        assert client.list_configuration_sets()["ConfigurationSets"] == [names[3]]

    # A deleted set frees its place.
    v1.delete_configuration_set(ConfigurationSetName=names[0])
    v1.create_configuration_set(ConfigurationSet={"Name": names[3]})
    assert v2.list_configuration_sets()["ConfigurationSets"] == names[1:]


def test_v1_body_that_is_not_utf8(server: Any) -> None:
    response = httpx.post(
        server.url,
        content=b"Action=ListConfigurationSets&Version=2010-12-01&NextToken=\xff\xfe",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 404
    ns = {"ses": "http://ses.amazonaws.com/doc/2010-12-01/"}
    error = ElementTree.fromstring(response.content).find("ses:Error", ns)
    assert error is not None
    assert error.findtext("ses:Type", namespaces=ns) == "Sender"
    assert error.findtext("ses:Code", namespaces=ns) == "MalformedQueryString"
