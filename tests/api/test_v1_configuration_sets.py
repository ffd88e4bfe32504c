"""SES v1 (Query/XML) configuration-set operations through boto3: create, describe, list and
delete, their errors, and the tracking, delivery, reputation and sending options."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from openses.config import Settings
from tests.support import (
    ALL_ATTRIBUTES,
    FRESH_REPUTATION,
    LiveServer,
    database_url,
    describe_set,
    error_dict,
    fresh_description,
    sender_error,
    serve_in_thread,
    sns_destination,
    strip_metadata,
    unique,
    v1_configuration_sets,
)


@pytest.fixture
def make_set(ses: Any) -> Iterator[Callable[[], str]]:
    with v1_configuration_sets(ses) as make:
        yield make


# --- create, describe, list, delete -------------------------------------------------------


def test_describe_without_attribute_names_is_only_the_name(
    ses: Any, make_set: Callable[[], str]
) -> None:
    name = make_set()
    assert strip_metadata(ses.describe_configuration_set(ConfigurationSetName=name)) == {
        "ConfigurationSet": {"Name": name}
    }


@pytest.mark.parametrize(
    ("attribute", "block"),
    [
        ("eventDestinations", {"EventDestinations": []}),
        ("trackingOptions", {}),
        ("deliveryOptions", {"DeliveryOptions": {"TlsPolicy": "Optional"}}),
        ("reputationOptions", {"ReputationOptions": FRESH_REPUTATION}),
    ],
)
def test_describe_returns_only_the_block_asked_for(
    ses: Any, make_set: Callable[[], str], attribute: str, block: dict[str, Any]
) -> None:
    name = make_set()
    got = ses.describe_configuration_set(
        ConfigurationSetName=name, ConfigurationSetAttributeNames=[attribute]
    )
    assert strip_metadata(got) == {"ConfigurationSet": {"Name": name}, **block}


def test_describe_every_attribute_of_a_fresh_set(ses: Any, make_set: Callable[[], str]) -> None:
    name = make_set()
    assert describe_set(ses, name) == fresh_description(name)


def test_create_returns_an_empty_result(ses: Any) -> None:
    name = unique("cs")
    try:
        assert strip_metadata(ses.create_configuration_set(ConfigurationSet={"Name": name})) == {}
    finally:
        ses.delete_configuration_set(ConfigurationSetName=name)


def test_name_of_64_characters_is_accepted(ses: Any) -> None:
    name = unique("long").ljust(64, "x")
    ses.create_configuration_set(ConfigurationSet={"Name": name})
    try:
        assert describe_set(ses, name) == fresh_description(name)
    finally:
        ses.delete_configuration_set(ConfigurationSetName=name)


def test_list_pages_with_max_items_and_next_token(server: LiveServer) -> None:
    client = server.client("ses", access_key="111122223333")
    names = sorted(unique("page") for _ in range(7))
    for name in names:
        client.create_configuration_set(ConfigurationSet={"Name": name})
    try:
        pages: list[list[str]] = []
        kwargs: dict[str, Any] = {"MaxItems": 3}
        while True:
            page = client.list_configuration_sets(**kwargs)
            pages.append([item["Name"] for item in page["ConfigurationSets"]])
            if "NextToken" not in page:
                break
            kwargs["NextToken"] = page["NextToken"]
        assert pages == [names[0:3], names[3:6], names[6:7]]

        everything = strip_metadata(client.list_configuration_sets())
        assert everything == {"ConfigurationSets": [{"Name": name} for name in names]}
        exact = strip_metadata(client.list_configuration_sets(MaxItems=7))
        assert exact == {"ConfigurationSets": [{"Name": name} for name in names]}
        # AWS serves its default page rather than refusing an out-of-range MaxItems.
        oversized = strip_metadata(client.list_configuration_sets(MaxItems=1001))
        assert oversized == {"ConfigurationSets": [{"Name": name} for name in names]}
    finally:
        for name in names:
            client.delete_configuration_set(ConfigurationSetName=name)
    assert strip_metadata(client.list_configuration_sets()) == {"ConfigurationSets": []}


def test_list_is_scoped_per_account_and_region(server: LiveServer) -> None:
    home = server.client("ses", access_key="111122224444")
    elsewhere = server.client("ses", access_key="111122224444", region="eu-west-1")
    other_account = server.client("ses", access_key="111122225555")
    name = unique("scoped")
    home.create_configuration_set(ConfigurationSet={"Name": name})
    try:
        assert strip_metadata(home.list_configuration_sets()) == {
            "ConfigurationSets": [{"Name": name}]
        }
        assert strip_metadata(elsewhere.list_configuration_sets()) == {"ConfigurationSets": []}
        assert strip_metadata(other_account.list_configuration_sets()) == {"ConfigurationSets": []}
        with pytest.raises(elsewhere.exceptions.ConfigurationSetDoesNotExistException):
            elsewhere.describe_configuration_set(ConfigurationSetName=name)
    finally:
        home.delete_configuration_set(ConfigurationSetName=name)


def test_list_with_a_bad_token(ses: Any) -> None:
    with pytest.raises(ses.exceptions.ClientError) as raised:
        ses.list_configuration_sets(NextToken="!!not-a-token!!")
    assert error_dict(raised) == sender_error(
        "InvalidParameterValue", "invalid nextToken !!not-a-token!!"
    )


def test_delete_removes_the_set(ses: Any) -> None:
    name = unique("cs")
    ses.create_configuration_set(ConfigurationSet={"Name": name})
    assert strip_metadata(ses.delete_configuration_set(ConfigurationSetName=name)) == {}
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException) as raised:
        ses.describe_configuration_set(ConfigurationSetName=name)
    assert error_dict(raised) == sender_error(
        "ConfigurationSetDoesNotExist", f"Configuration set <{name}> does not exist."
    )
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException) as raised:
        ses.delete_configuration_set(ConfigurationSetName=name)
    assert error_dict(raised) == sender_error(
        "ConfigurationSetDoesNotExist", f"Configuration set <{name}> does not exist."
    )


def test_name_is_free_again_after_delete(ses: Any) -> None:
    name = unique("cs")
    ses.create_configuration_set(ConfigurationSet={"Name": name})
    ses.create_configuration_set_tracking_options(
        ConfigurationSetName=name, TrackingOptions={"CustomRedirectDomain": "t.example.com"}
    )
    ses.delete_configuration_set(ConfigurationSetName=name)
    ses.create_configuration_set(ConfigurationSet={"Name": name})
    try:
        assert describe_set(ses, name) == fresh_description(name)
    finally:
        ses.delete_configuration_set(ConfigurationSetName=name)


# --- configuration-set errors -------------------------------------------------------------


def test_duplicate_name_is_already_exists(ses: Any, make_set: Callable[[], str]) -> None:
    name = make_set()
    ses.put_configuration_set_delivery_options(
        ConfigurationSetName=name, DeliveryOptions={"TlsPolicy": "Require"}
    )
    with pytest.raises(ses.exceptions.ConfigurationSetAlreadyExistsException) as raised:
        ses.create_configuration_set(ConfigurationSet={"Name": name})
    assert error_dict(raised) == sender_error(
        "ConfigurationSetAlreadyExists", f"Configuration set <{name}> already exists."
    )
    assert describe_set(ses, name) == fresh_description(
        name, DeliveryOptions={"TlsPolicy": "Require"}
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "bad name!",
            "Invalid configuration set name <bad name!>: only alphanumeric ASCII characters, "
            "'_', and '-' are allowed.",
        ),
        (
            "dots.are.bad",
            "Invalid configuration set name <dots.are.bad>: only alphanumeric ASCII characters, "
            "'_', and '-' are allowed.",
        ),
        ("x" * 65, "Configuration set name cannot exceed 64 characters."),
        ("", "The configuration set name must be specified."),
    ],
)
def test_invalid_name_is_invalid_configuration_set(
    server: LiveServer, name: str, message: str
) -> None:
    client = server.client("ses", access_key="111122226666", validate=False)
    with pytest.raises(client.exceptions.InvalidConfigurationSetException) as raised:
        client.create_configuration_set(ConfigurationSet={"Name": name})
    assert error_dict(raised) == sender_error("InvalidConfigurationSet", message)
    assert strip_metadata(client.list_configuration_sets()) == {"ConfigurationSets": []}


def test_set_limit_is_limit_exceeded(backend: str, tmp_path: Any) -> None:
    with (
        database_url(backend, str(tmp_path)) as url,
        serve_in_thread(Settings(database_url=url, max_configuration_sets=2)) as small,
    ):
        client = small.client("ses", access_key="111122228888")
        names = sorted(unique("cap") for _ in range(2))
        for name in names:
            client.create_configuration_set(ConfigurationSet={"Name": name})
        with pytest.raises(client.exceptions.LimitExceededException) as raised:
            client.create_configuration_set(ConfigurationSet={"Name": unique("cap")})
        assert error_dict(raised) == sender_error(
            "LimitExceeded", "Maximum number of configuration sets (2) reached."
        )
        assert strip_metadata(client.list_configuration_sets()) == {
            "ConfigurationSets": [{"Name": name} for name in names]
        }
        # The limit is per account: another account still has room.
        other = small.client("ses", access_key="111122229999")
        other.create_configuration_set(ConfigurationSet={"Name": names[0]})
        # Deleting one frees a slot.
        client.delete_configuration_set(ConfigurationSetName=names[0])
        client.create_configuration_set(ConfigurationSet={"Name": unique("cap")})


MISSING_SET_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("describe_configuration_set", {"ConfigurationSetAttributeNames": ALL_ATTRIBUTES}),
    ("delete_configuration_set", {}),
    ("create_configuration_set_event_destination", {"EventDestination": sns_destination("d1")}),
    ("update_configuration_set_event_destination", {"EventDestination": sns_destination("d1")}),
    ("delete_configuration_set_event_destination", {"EventDestinationName": "d1"}),
    (
        "create_configuration_set_tracking_options",
        {"TrackingOptions": {"CustomRedirectDomain": "t.example.com"}},
    ),
    (
        "update_configuration_set_tracking_options",
        {"TrackingOptions": {"CustomRedirectDomain": "t.example.com"}},
    ),
    ("delete_configuration_set_tracking_options", {}),
    ("put_configuration_set_delivery_options", {"DeliveryOptions": {"TlsPolicy": "Require"}}),
    ("update_configuration_set_reputation_metrics_enabled", {"Enabled": True}),
    ("update_configuration_set_sending_enabled", {"Enabled": False}),
]


@pytest.mark.parametrize(
    ("method", "kwargs"), MISSING_SET_CALLS, ids=[call[0] for call in MISSING_SET_CALLS]
)
def test_missing_set_is_does_not_exist(ses: Any, method: str, kwargs: dict[str, Any]) -> None:
    name = unique("missing")
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException) as raised:
        getattr(ses, method)(ConfigurationSetName=name, **kwargs)
    assert error_dict(raised) == sender_error(
        "ConfigurationSetDoesNotExist", f"Configuration set <{name}> does not exist."
    )
    # Nothing was created on the way.
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.describe_configuration_set(ConfigurationSetName=name)


# --- tracking options ---------------------------------------------------------------------


def test_tracking_options_lifecycle(ses: Any, make_set: Callable[[], str]) -> None:
    name = make_set()
    got = ses.create_configuration_set_tracking_options(
        ConfigurationSetName=name, TrackingOptions={"CustomRedirectDomain": "t.example.com"}
    )
    assert strip_metadata(got) == {}
    assert describe_set(ses, name) == fresh_description(
        name, TrackingOptions={"CustomRedirectDomain": "t.example.com"}
    )
    got = ses.describe_configuration_set(
        ConfigurationSetName=name, ConfigurationSetAttributeNames=["trackingOptions"]
    )
    assert strip_metadata(got) == {
        "ConfigurationSet": {"Name": name},
        "TrackingOptions": {"CustomRedirectDomain": "t.example.com"},
    }

    got = ses.update_configuration_set_tracking_options(
        ConfigurationSetName=name, TrackingOptions={"CustomRedirectDomain": "click.example.org"}
    )
    assert strip_metadata(got) == {}
    assert describe_set(ses, name) == fresh_description(
        name, TrackingOptions={"CustomRedirectDomain": "click.example.org"}
    )

    got = ses.delete_configuration_set_tracking_options(ConfigurationSetName=name)
    assert strip_metadata(got) == {}
    assert describe_set(ses, name) == fresh_description(name)


def test_tracking_options_already_exist(ses: Any, make_set: Callable[[], str]) -> None:
    name = make_set()
    ses.create_configuration_set_tracking_options(
        ConfigurationSetName=name, TrackingOptions={"CustomRedirectDomain": "t.example.com"}
    )
    with pytest.raises(ses.exceptions.TrackingOptionsAlreadyExistsException) as raised:
        ses.create_configuration_set_tracking_options(
            ConfigurationSetName=name, TrackingOptions={"CustomRedirectDomain": "u.example.com"}
        )
    assert error_dict(raised) == sender_error(
        "TrackingOptionsAlreadyExistsException",
        f"Configuration set <{name}> already has tracking options.",
    )
    assert describe_set(ses, name) == fresh_description(
        name, TrackingOptions={"CustomRedirectDomain": "t.example.com"}
    )


@pytest.mark.parametrize("method", ["update", "delete"])
def test_tracking_options_do_not_exist(ses: Any, make_set: Callable[[], str], method: str) -> None:
    name = make_set()
    call = getattr(ses, f"{method}_configuration_set_tracking_options")
    kwargs = (
        {"TrackingOptions": {"CustomRedirectDomain": "t.example.com"}} if method == "update" else {}
    )
    with pytest.raises(ses.exceptions.TrackingOptionsDoesNotExistException) as raised:
        call(ConfigurationSetName=name, **kwargs)
    assert error_dict(raised) == sender_error(
        "TrackingOptionsDoesNotExistException",
        f"There are no tracking options for configuration set <{name}>",
    )
    assert describe_set(ses, name) == fresh_description(name)


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("not a domain", "Invalid custom redirect domain: not a domain"),
        ("", "CustomRedirectDomain must be specified."),
    ],
)
def test_invalid_tracking_options(
    ses: Any, make_set: Callable[[], str], domain: str, message: str
) -> None:
    name = make_set()
    with pytest.raises(ses.exceptions.InvalidTrackingOptionsException) as raised:
        ses.create_configuration_set_tracking_options(
            ConfigurationSetName=name, TrackingOptions={"CustomRedirectDomain": domain}
        )
    assert error_dict(raised) == sender_error("InvalidTrackingOptions", message)
    assert describe_set(ses, name) == fresh_description(name)


@pytest.mark.parametrize("method", ["create", "update"])
def test_bad_domain_is_refused_before_any_lookup(
    ses: Any, make_set: Callable[[], str], method: str
) -> None:
    """Both calls check the domain first: on a missing set, and on a set without options."""
    call = getattr(ses, f"{method}_configuration_set_tracking_options")
    for name in (unique("missing"), make_set()):
        with pytest.raises(ses.exceptions.InvalidTrackingOptionsException) as raised:
            call(ConfigurationSetName=name, TrackingOptions={"CustomRedirectDomain": "a b"})
        assert error_dict(raised) == sender_error(
            "InvalidTrackingOptions", "Invalid custom redirect domain: a b"
        )


# --- delivery, reputation and sending -----------------------------------------------------


def test_put_delivery_options(ses: Any, make_set: Callable[[], str]) -> None:
    name = make_set()
    got = ses.put_configuration_set_delivery_options(
        ConfigurationSetName=name, DeliveryOptions={"TlsPolicy": "Require"}
    )
    assert strip_metadata(got) == {}
    assert describe_set(ses, name) == fresh_description(
        name, DeliveryOptions={"TlsPolicy": "Require"}
    )
    ses.put_configuration_set_delivery_options(
        ConfigurationSetName=name, DeliveryOptions={"TlsPolicy": "Optional"}
    )
    assert describe_set(ses, name) == fresh_description(name)
    ses.put_configuration_set_delivery_options(
        ConfigurationSetName=name, DeliveryOptions={"TlsPolicy": "Require"}
    )
    # With no DeliveryOptions at all the policy returns to its default.
    ses.put_configuration_set_delivery_options(ConfigurationSetName=name)
    assert describe_set(ses, name) == fresh_description(name)


def test_reputation_metrics_enabled(ses: Any, make_set: Callable[[], str]) -> None:
    name = make_set()
    got = ses.update_configuration_set_reputation_metrics_enabled(
        ConfigurationSetName=name, Enabled=True
    )
    assert strip_metadata(got) == {}
    reputation = describe_set(ses, name)["ReputationOptions"]
    reputation.pop("LastFreshStart", None)  # see test_reputation_metrics_are_not_a_fresh_start
    assert reputation == {"SendingEnabled": True, "ReputationMetricsEnabled": True}
    ses.update_configuration_set_reputation_metrics_enabled(
        ConfigurationSetName=name, Enabled=False
    )
    reputation = describe_set(ses, name)["ReputationOptions"]
    reputation.pop("LastFreshStart", None)
    assert reputation == FRESH_REPUTATION


def test_sending_disabled_then_enabled_is_a_fresh_start(
    ses: Any, make_set: Callable[[], str]
) -> None:
    name = make_set()
    # Enabling a set that already sends is no fresh start.
    ses.update_configuration_set_sending_enabled(ConfigurationSetName=name, Enabled=True)
    assert describe_set(ses, name) == fresh_description(name)

    got = ses.update_configuration_set_sending_enabled(ConfigurationSetName=name, Enabled=False)
    assert strip_metadata(got) == {}
    assert describe_set(ses, name) == fresh_description(
        name, ReputationOptions={"SendingEnabled": False, "ReputationMetricsEnabled": False}
    )

    before = datetime.datetime.now(datetime.UTC)
    ses.update_configuration_set_sending_enabled(ConfigurationSetName=name, Enabled=True)
    after = datetime.datetime.now(datetime.UTC)
    got = describe_set(ses, name)
    fresh = got["ReputationOptions"].pop("LastFreshStart")
    assert got == fresh_description(name)
    assert before - datetime.timedelta(seconds=1) <= fresh <= after

    # Disabling again keeps the last fresh start until sending resumes.
    ses.update_configuration_set_sending_enabled(ConfigurationSetName=name, Enabled=False)
    assert describe_set(ses, name)["ReputationOptions"] == {
        "SendingEnabled": False,
        "ReputationMetricsEnabled": False,
        "LastFreshStart": fresh,
    }
