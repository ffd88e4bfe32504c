"""Every configuration-set member of the installed botocore ``sesv2`` model is either stored
and returned by GetConfigurationSet or refused with one of the operation's AWS errors: a
botocore that grows a member openses drops turns this red (issue 20)."""

from __future__ import annotations

import contextlib
import datetime
from typing import Any

import botocore.exceptions
import botocore.session
import pytest
from botocore.model import Shape, StructureShape

from tests.support import unique

MODEL = botocore.session.get_session().get_service_model("sesv2")
GET = MODEL.operation_model("GetConfigurationSet").output_shape

# Leaves whose generated value AWS would refuse for a reason that has nothing to do with
# storing the member: each gets a value that passes. Paths are dotted member names.
VALUES: dict[str, Any] = {
    "TrackingOptions.CustomRedirectDomain": "track.example.com",
    "ArchivingOptions.ArchiveArn": "arn:aws:ses:us-east-1:123456789012:mailmanager-archive/a-"
    + "0" * 24,
    "DeliveryOptions.SendingPoolName": None,  # a pool must exist first: its own tests do that
    "DeliveryOptions.MaxDeliverySeconds": 600,
    "DeliveryOptions.TlsPolicy": "REQUIRE",  # not the default, so that storing it shows
    "SendingOptions.SendingEnabled": False,  # likewise
    "SuppressionOptions.SuppressionScope": None,  # TENANT scope needs tenants (another issue)
}
# Members the caller may send but SES keeps to itself: the time of the last fresh start is
# the service's (PutConfigurationSetReputationOptions sets it), not the caller's.
SERVICE_OWNED = {"ReputationOptions.LastFreshStart"}


def sample(shape: Shape, path: str) -> Any:
    """A value for every member of ``shape`` (one member of a union), with VALUES' overrides;
    None for a member left out."""
    if path in SERVICE_OWNED:
        return None
    if path in VALUES:
        return VALUES[path]
    if isinstance(shape, StructureShape):
        members = list(shape.members.items())
        if shape.metadata.get("union"):
            members = members[-1:]  # the most specific choice (SmimeScheme over DefaultScheme)
        built = {}
        for name, member in members:
            value = sample(member, f"{path}.{name}" if path else name)
            if value is not None:
                built[name] = value
        return built
    if shape.type_name == "list":
        if shape.name == "TagList":
            return [{"Key": "k", "Value": "v"}]
        return [sample(shape.member, path)]
    if shape.type_name == "map":
        return {"key": sample(shape.value, path)}
    enum = getattr(shape, "enum", None)
    if enum:
        return enum[-1]
    if shape.type_name == "boolean":
        return True
    if shape.type_name in ("integer", "long"):
        return int(shape.metadata.get("min", 1))
    if shape.type_name == "timestamp":
        return datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    return "sample"


def contained(sent: Any, returned: Any) -> bool:
    """Every leaf sent comes back (the answer may add defaults and service-owned members)."""
    if isinstance(sent, dict):
        return isinstance(returned, dict) and all(
            key in returned and contained(value, returned[key]) for key, value in sent.items()
        )
    if isinstance(sent, list):
        return isinstance(returned, list) and all(
            any(contained(item, candidate) for candidate in returned) for item in sent
        )
    return bool(sent == returned)


def _error_codes(operation: str) -> set[str]:
    return {shape.name for shape in MODEL.operation_model(operation).error_shapes}


def _stored_or_refused(
    sesv2: Any, operation: str, name: str, member: str, value: Any, call: Any
) -> None:
    try:
        call()
    except botocore.exceptions.ClientError as error:
        refused = error.response["Error"]["Code"]
    else:
        refused = None
    if refused is not None:
        assert refused in _error_codes(operation), (member, refused)
        return
    got = sesv2.get_configuration_set(ConfigurationSetName=name)
    assert member in GET.members, f"{operation} takes {member}, which Get never returns"
    assert contained(value, got.get(member)), (member, value, got.get(member))


CREATE = MODEL.operation_model("CreateConfigurationSet").input_shape
CREATE_MEMBERS = [name for name in CREATE.members if name != "ConfigurationSetName"]


def test_get_returns_only_what_create_takes() -> None:
    assert set(GET.members) <= set(CREATE.members)


@pytest.mark.parametrize("member", CREATE_MEMBERS)
def test_create_stores_every_member(sesv2: Any, member: str) -> None:
    name = unique("members")
    value = sample(CREATE.members[member], member)
    try:
        _stored_or_refused(
            sesv2,
            "CreateConfigurationSet",
            name,
            member,
            value,
            lambda: sesv2.create_configuration_set(ConfigurationSetName=name, **{member: value}),
        )
    finally:
        with contextlib.suppress(sesv2.exceptions.NotFoundException):
            sesv2.delete_configuration_set(ConfigurationSetName=name)


UPDATE = MODEL.operation_model("UpdateConfigurationSet").input_shape
PUTS = [op for op in MODEL.operation_names if op.startswith("PutConfigurationSet")]


@pytest.mark.parametrize(
    "member", [name for name in UPDATE.members if name != "ConfigurationSetName"]
)
def test_update_configuration_set_stores_every_member(sesv2: Any, member: str) -> None:
    name = unique("members")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    value = sample(UPDATE.members[member], member)
    try:
        _stored_or_refused(
            sesv2,
            "UpdateConfigurationSet",
            name,
            member,
            value,
            lambda: sesv2.update_configuration_set(ConfigurationSetName=name, **{member: value}),
        )
        # a partial update: a second call without the member keeps it
        sesv2.update_configuration_set(ConfigurationSetName=name)
        got = sesv2.get_configuration_set(ConfigurationSetName=name)
        assert contained(value, got.get(member))
    finally:
        sesv2.delete_configuration_set(ConfigurationSetName=name)


@pytest.mark.parametrize("operation", PUTS)
def test_put_operations_store_every_member(sesv2: Any, operation: str) -> None:
    """PutConfigurationSet{X}Options: its members land in Get's X member (or are X itself)."""
    member = operation.removeprefix("PutConfigurationSet")
    assert member in GET.members, f"{operation} has no member in GetConfigurationSet"
    shape = MODEL.operation_model(operation).input_shape
    params = sample(shape, member)
    params.pop("ConfigurationSetName", None)
    value = params.get(member, params) if set(params) == {member} else params
    name = unique("members")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    method = getattr(sesv2, botocore.xform_name(operation))
    try:
        _stored_or_refused(
            sesv2,
            operation,
            name,
            member,
            value,
            lambda: method(ConfigurationSetName=name, **params),
        )
    finally:
        sesv2.delete_configuration_set(ConfigurationSetName=name)


def test_message_security_options_round_trip(sesv2: Any) -> None:
    name = unique("smime")
    sesv2.create_configuration_set(
        ConfigurationSetName=name,
        MessageSecurityOptions={"SigningScheme": {"SmimeScheme": {"SignatureFormat": "DETACHED"}}},
    )
    try:
        got = sesv2.get_configuration_set(ConfigurationSetName=name)
        assert got["MessageSecurityOptions"] == {
            "SigningScheme": {"SmimeScheme": {"SignatureFormat": "DETACHED"}}
        }
        sesv2.update_configuration_set(
            ConfigurationSetName=name,
            MessageSecurityOptions={"SigningScheme": {"DefaultScheme": {}}},
        )
        got = sesv2.get_configuration_set(ConfigurationSetName=name)
        assert got["MessageSecurityOptions"] == {"SigningScheme": {"DefaultScheme": {}}}
    finally:
        sesv2.delete_configuration_set(ConfigurationSetName=name)


def test_update_configuration_set_errors(unchecked_sesv2: Any) -> None:
    missing = unique("missing")
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        unchecked_sesv2.update_configuration_set(ConfigurationSetName=missing)
    assert (raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]) == (
        "NotFoundException",
        f"Configuration set <{missing}> does not exist.",
    )
    name = unique("union")
    unchecked_sesv2.create_configuration_set(ConfigurationSetName=name)
    try:
        with pytest.raises(botocore.exceptions.ClientError) as raised:
            unchecked_sesv2.update_configuration_set(
                ConfigurationSetName=name,
                MessageSecurityOptions={"SigningScheme": {"DefaultScheme": {}, "SmimeScheme": {}}},
            )
        assert raised.value.response["Error"]["Code"] == "BadRequestException"
        got = unchecked_sesv2.get_configuration_set(ConfigurationSetName=name)
        assert "MessageSecurityOptions" not in got
    finally:
        unchecked_sesv2.delete_configuration_set(ConfigurationSetName=name)
