"""Every resource is scoped to one account and one region, as the SigV4 credential names them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openses.config import Settings
from tests.support import LiveServer, database_url, serve_in_thread, unique

FIRST = "111111111111"
SECOND = "222222222222"
DEFAULT = "123456789012"


def listed_v2(client: Any) -> list[str]:
    names: list[str] = []
    kwargs: dict[str, Any] = {"PageSize": 1000}
    while True:
        page = client.list_configuration_sets(**kwargs)
        names.extend(page["ConfigurationSets"])
        if not page.get("NextToken"):
            return names
        kwargs["NextToken"] = page["NextToken"]


def listed_v1(client: Any) -> list[str]:
    names: list[str] = []
    kwargs: dict[str, Any] = {"MaxItems": 1000}
    while True:
        page = client.list_configuration_sets(**kwargs)
        names.extend(item["Name"] for item in page["ConfigurationSets"])
        if not page.get("NextToken"):
            return names
        kwargs["NextToken"] = page["NextToken"]


def assert_invisible(v2: Any, v1: Any, name: str) -> None:
    """``name`` does not exist for these clients, through either API."""
    with pytest.raises(v2.exceptions.NotFoundException) as raised:
        v2.get_configuration_set(ConfigurationSetName=name)
    assert (
        raised.value.response["Error"]["Message"] == f"Configuration set <{name}> does not exist."
    )
    with pytest.raises(v2.exceptions.NotFoundException):
        v2.delete_configuration_set(ConfigurationSetName=name)
    with pytest.raises(v2.exceptions.NotFoundException):
        v2.put_configuration_set_sending_options(ConfigurationSetName=name, SendingEnabled=False)
    with pytest.raises(v1.exceptions.ConfigurationSetDoesNotExistException) as raised_v1:
        v1.describe_configuration_set(ConfigurationSetName=name)
    assert raised_v1.value.response["Error"]["Message"] == (
        f"Configuration set <{name}> does not exist."
    )
    with pytest.raises(v1.exceptions.ConfigurationSetDoesNotExistException):
        v1.delete_configuration_set(ConfigurationSetName=name)
    assert name not in listed_v2(v2)
    assert name not in listed_v1(v1)


@pytest.fixture
def clients(server: LiveServer) -> dict[str, tuple[Any, Any]]:
    """(v2, v1) clients per caller: two numeric access keys and the default ``test`` key."""
    return {
        account: (
            server.client("sesv2", access_key=key),
            server.client("ses", access_key=key),
        )
        for account, key in ((FIRST, FIRST), (SECOND, SECOND), (DEFAULT, "test"))
    }


@pytest.mark.parametrize("owner", [FIRST, SECOND, DEFAULT])
def test_a_set_is_invisible_to_other_accounts(
    clients: dict[str, tuple[Any, Any]], owner: str
) -> None:
    name = unique("iso")
    owner_v2, owner_v1 = clients[owner]
    owner_v2.create_configuration_set(
        ConfigurationSetName=name, SendingOptions={"SendingEnabled": False}
    )
    try:
        for account, (v2, v1) in clients.items():
            if account != owner:
                assert_invisible(v2, v1, name)
        # The failed deletes and updates above left the owner's set as it was.
        got = owner_v2.get_configuration_set(ConfigurationSetName=name)
        assert got["SendingOptions"] == {"SendingEnabled": False}
        assert name in listed_v2(owner_v2)
        assert name in listed_v1(owner_v1)
    finally:
        owner_v2.delete_configuration_set(ConfigurationSetName=name)


def test_same_name_in_two_accounts(clients: dict[str, tuple[Any, Any]]) -> None:
    name = unique("iso")
    first_v2, first_v1 = clients[FIRST]
    second_v2, second_v1 = clients[SECOND]
    first_v2.create_configuration_set(
        ConfigurationSetName=name,
        DeliveryOptions={"TlsPolicy": "REQUIRE"},
        Tags=[{"Key": "owner", "Value": FIRST}],
    )
    second_v1.create_configuration_set(ConfigurationSet={"Name": name})
    assert first_v2.get_configuration_set(ConfigurationSetName=name)["DeliveryOptions"] == {
        "TlsPolicy": "REQUIRE"
    }
    assert second_v2.get_configuration_set(ConfigurationSetName=name)["DeliveryOptions"] == {
        "TlsPolicy": "OPTIONAL"
    }
    assert second_v2.get_configuration_set(ConfigurationSetName=name)["Tags"] == []
    assert first_v2.list_tags_for_resource(
        ResourceArn=f"arn:aws:ses:us-east-1:{FIRST}:configuration-set/{name}"
    )["Tags"] == [{"Key": "owner", "Value": FIRST}]

    # Deleting one account's set leaves the other's in place.
    second_v2.delete_configuration_set(ConfigurationSetName=name)
    assert_invisible(second_v2, second_v1, name)
    assert first_v2.get_configuration_set(ConfigurationSetName=name)["DeliveryOptions"] == {
        "TlsPolicy": "REQUIRE"
    }
    assert name in listed_v1(first_v1)
    first_v2.delete_configuration_set(ConfigurationSetName=name)
    assert_invisible(first_v2, first_v1, name)


def test_same_name_in_two_regions(server: LiveServer) -> None:
    name = unique("iso")
    east_v2 = server.client("sesv2", access_key=FIRST, region="us-east-1")
    east_v1 = server.client("ses", access_key=FIRST, region="us-east-1")
    west_v2 = server.client("sesv2", access_key=FIRST, region="eu-west-1")
    west_v1 = server.client("ses", access_key=FIRST, region="eu-west-1")

    east_v2.create_configuration_set(ConfigurationSetName=name)
    assert_invisible(west_v2, west_v1, name)
    west_v2.create_configuration_set(
        ConfigurationSetName=name, Tags=[{"Key": "region", "Value": "eu-west-1"}]
    )
    with pytest.raises(east_v2.exceptions.AlreadyExistsException):
        east_v2.create_configuration_set(ConfigurationSetName=name)
    with pytest.raises(west_v2.exceptions.AlreadyExistsException):
        west_v2.create_configuration_set(ConfigurationSetName=name)

    west_arn = f"arn:aws:ses:eu-west-1:{FIRST}:configuration-set/{name}"
    east_arn = f"arn:aws:ses:us-east-1:{FIRST}:configuration-set/{name}"
    assert west_v2.list_tags_for_resource(ResourceArn=west_arn)["Tags"] == [
        {"Key": "region", "Value": "eu-west-1"}
    ]
    assert east_v2.list_tags_for_resource(ResourceArn=east_arn)["Tags"] == []
    assert east_v2.get_configuration_set(ConfigurationSetName=name)["Tags"] == []

    east_v1.delete_configuration_set(ConfigurationSetName=name)
    assert_invisible(east_v2, east_v1, name)
    assert west_v2.get_configuration_set(ConfigurationSetName=name)["Tags"] == [
        {"Key": "region", "Value": "eu-west-1"}
    ]
    west_v2.delete_configuration_set(ConfigurationSetName=name)
    assert_invisible(west_v2, west_v1, name)


def test_event_destinations_follow_their_account(clients: dict[str, tuple[Any, Any]]) -> None:
    name = unique("iso")
    first_v2, _ = clients[FIRST]
    second_v2, _ = clients[SECOND]
    definition = {
        "MatchingEventTypes": ["SEND"],
        "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:111111111111:events"},
    }
    first_v2.create_configuration_set(ConfigurationSetName=name)
    second_v2.create_configuration_set(ConfigurationSetName=name)
    try:
        first_v2.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestinationName="d1", EventDestination=definition
        )
        assert (
            second_v2.get_configuration_set_event_destinations(ConfigurationSetName=name)[
                "EventDestinations"
            ]
            == []
        )
        with pytest.raises(second_v2.exceptions.NotFoundException):
            second_v2.delete_configuration_set_event_destination(
                ConfigurationSetName=name, EventDestinationName="d1"
            )
        assert first_v2.get_configuration_set_event_destinations(ConfigurationSetName=name)[
            "EventDestinations"
        ] == [{"Name": "d1", "Enabled": False, **definition}]
    finally:
        first_v2.delete_configuration_set(ConfigurationSetName=name)
        second_v2.delete_configuration_set(ConfigurationSetName=name)


@pytest.fixture
def mapped_server(backend: str, tmp_path: Path) -> Iterator[LiveServer]:
    """A second server whose access key ``AKIAEXAMPLE`` belongs to account 999999999999."""
    with database_url(backend, str(tmp_path)) as url:
        settings = Settings(database_url=url, access_keys={"AKIAEXAMPLE": "999999999999"})
        with serve_in_thread(settings) as live:
            yield live


def test_configured_access_key_maps_to_its_account(mapped_server: LiveServer) -> None:
    name = unique("mapped")
    mapped = mapped_server.client("sesv2", access_key="AKIAEXAMPLE")
    owner = mapped_server.client("sesv2", access_key="999999999999")
    default = mapped_server.client("sesv2", access_key="AKIAUNMAPPED")
    mapped.create_configuration_set(ConfigurationSetName=name)

    # The key and the account's own 12-digit key id are one caller.
    assert owner.get_configuration_set(ConfigurationSetName=name)["ConfigurationSetName"] == name
    assert listed_v2(owner) == [name]
    # Any other key is the default account, which does not see the set.
    assert listed_v2(default) == []
    with pytest.raises(default.exceptions.NotFoundException):
        default.get_configuration_set(ConfigurationSetName=name)

    mapped_arn = f"arn:aws:ses:us-east-1:999999999999:configuration-set/{name}"
    mapped.tag_resource(ResourceArn=mapped_arn, Tags=[{"Key": "k", "Value": "v"}])
    assert owner.list_tags_for_resource(ResourceArn=mapped_arn)["Tags"] == [
        {"Key": "k", "Value": "v"}
    ]
    with pytest.raises(mapped.exceptions.BadRequestException) as raised:
        mapped.list_tags_for_resource(
            ResourceArn=f"arn:aws:ses:us-east-1:{DEFAULT}:configuration-set/{name}"
        )
    assert raised.value.response["Error"]["Message"] == (
        "Operations on a resource created in a different account is not allowed"
    )
    with pytest.raises(default.exceptions.BadRequestException):
        default.list_tags_for_resource(ResourceArn=mapped_arn)
