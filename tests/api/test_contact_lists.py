"""Contact lists, topics and contacts (SES v2) through boto3, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support import LiveServer, error_tuple, fresh_account, strip_metadata

Client = Any

NEWS = {
    "TopicName": "news",
    "DisplayName": "News",
    "Description": "Weekly news",
    "DefaultSubscriptionStatus": "OPT_IN",
}
OFFERS = {"TopicName": "offers", "DisplayName": "Offers", "DefaultSubscriptionStatus": "OPT_OUT"}


@pytest.fixture
def account(server: LiveServer) -> Client:
    """A fresh account's v2 client: AWS allows one contact list per account and region."""
    return server.client("sesv2", access_key=fresh_account())


@pytest.fixture
def unchecked(server: LiveServer, account: Client) -> Client:
    key = account._request_signer._credentials.access_key
    return server.client("sesv2", access_key=key, validate=False)


def _bad_request(message: str) -> tuple[str, str, int]:
    return ("BadRequestException", message, 400)


def test_create_get_list_and_delete(account: Client) -> None:
    before = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=5)
    account.create_contact_list(
        ContactListName="letters",
        Topics=[NEWS, OFFERS],
        Description="Our letters",
        Tags=[{"Key": "team", "Value": "growth"}],
    )
    got = strip_metadata(account.get_contact_list(ContactListName="letters"))
    created, updated = got.pop("CreatedTimestamp"), got.pop("LastUpdatedTimestamp")
    assert created == updated
    assert created >= before
    assert got == {
        "ContactListName": "letters",
        "Topics": [NEWS, OFFERS],
        "Description": "Our letters",
        "Tags": [{"Key": "team", "Value": "growth"}],
    }
    listed = account.list_contact_lists()
    assert listed["ContactLists"] == [
        {"ContactListName": "letters", "LastUpdatedTimestamp": updated}
    ]
    assert "NextToken" not in listed
    arn = f"arn:aws:ses:us-east-1:{_account_id(account)}:contact-list/letters"
    account.tag_resource(ResourceArn=arn, Tags=[{"Key": "tier", "Value": "1"}])
    assert account.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "team", "Value": "growth"},
        {"Key": "tier", "Value": "1"},
    ]
    account.delete_contact_list(ContactListName="letters")
    with pytest.raises(ClientError) as raised:
        account.get_contact_list(ContactListName="letters")
    assert error_tuple(raised) == (
        "NotFoundException",
        "List with name: letters doesn't exist.",
        404,
    )
    assert account.list_contact_lists()["ContactLists"] == []
    with pytest.raises(ClientError) as raised:
        account.list_tags_for_resource(ResourceArn=arn)
    assert error_tuple(raised) == (
        "NotFoundException",
        "No ContactList present with name: letters",
        404,
    )


def _account_id(client: Client) -> str:
    return str(client._request_signer._credentials.access_key)


def test_one_list_per_account_and_region(server: LiveServer, account: Client) -> None:
    account.create_contact_list(ContactListName="first")
    for name in ("second", "first"):
        with pytest.raises(ClientError) as raised:
            account.create_contact_list(ContactListName=name)
        assert error_tuple(raised) == _bad_request("A maximum of 1 Lists allowed per account.")
    assert [c["ContactListName"] for c in account.list_contact_lists()["ContactLists"]] == ["first"]
    elsewhere = server.client("sesv2", access_key=_account_id(account), region="eu-west-1")
    elsewhere.create_contact_list(ContactListName="second")
    assert [c["ContactListName"] for c in elsewhere.list_contact_lists()["ContactLists"]] == [
        "second"
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"ContactListName": "bad name"},
            "ContactListName can contain up to 64 characters. "
            "Only alphanumeric characters, underscores(_) and hyphens(-) are allowed.",
        ),
        (
            {"ContactListName": "x" * 65},
            "ContactListName can contain up to 64 characters. "
            "Only alphanumeric characters, underscores(_) and hyphens(-) are allowed.",
        ),
        ({"ContactListName": " "}, "ContactListName can't be blank."),
        (
            {"ContactListName": "l", "Topics": [NEWS] * 2},
            "Duplicate topic names are not allowed within a List.",
        ),
        (
            {
                "ContactListName": "l",
                "Topics": [{**NEWS, "TopicName": f"t{i}"} for i in range(21)],
            },
            "Maximum of <20> topics allowed per ContactList",
        ),
        (
            {"ContactListName": "l", "Topics": [{**NEWS, "TopicName": "a b"}]},
            "TopicName can contain up to 64 characters. Only alphanumeric characters, "
            "underscores(_) and hyphens(-) are allowed.",
        ),
        (
            {"ContactListName": "l", "Topics": [{**NEWS, "DisplayName": "d" * 129}]},
            "Topic DisplayName can contain up to <128> characters.",
        ),
        (
            {"ContactListName": "l", "Description": "d" * 501},
            "List description can contain up to 500 characters.",
        ),
    ],
)
def test_bad_lists_are_refused_and_change_nothing(
    account: Client, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as raised:
        account.create_contact_list(**kwargs)
    assert error_tuple(raised) == _bad_request(message)
    assert account.list_contact_lists()["ContactLists"] == []


def test_bad_subscription_status_is_a_validation_error(unchecked: Client) -> None:
    with pytest.raises(ClientError) as raised:
        unchecked.create_contact_list(
            ContactListName="l", Topics=[{**NEWS, "DefaultSubscriptionStatus": "MAYBE"}]
        )
    code, message, status = error_tuple(raised)
    assert (code, status) == ("BadRequestException", 400)
    assert message == (
        "1 validation error detected: Value 'MAYBE' at 'topics.1.member.defaultSubscriptionStatus'"
        " failed to satisfy constraint: Member must satisfy enum value set: [OPT_IN, OPT_OUT]"
    )


def test_update_replaces_topics_and_description(account: Client) -> None:
    account.create_contact_list(ContactListName="l", Topics=[NEWS, OFFERS], Description="d")
    account.create_contact(
        ContactListName="l",
        EmailAddress="a@example.com",
        TopicPreferences=[{"TopicName": "offers", "SubscriptionStatus": "OPT_IN"}],
    )
    account.update_contact_list(ContactListName="l", Topics=[NEWS])
    got = account.get_contact_list(ContactListName="l")
    assert got["Topics"] == [NEWS]
    assert "Description" not in got
    assert got["LastUpdatedTimestamp"] >= got["CreatedTimestamp"]
    # the preference for a topic the list no longer has is not reported
    contact = account.get_contact(ContactListName="l", EmailAddress="a@example.com")
    assert contact["TopicPreferences"] == []
    assert contact["TopicDefaultPreferences"] == [
        {"TopicName": "news", "SubscriptionStatus": "OPT_IN"}
    ]
    with pytest.raises(ClientError) as raised:
        account.update_contact_list(ContactListName="other", Topics=[NEWS])
    assert error_tuple(raised) == ("NotFoundException", "List with name: other doesn't exist.", 404)
    with pytest.raises(ClientError) as raised:
        account.update_contact_list(ContactListName="l", Topics=[NEWS, NEWS])
    assert error_tuple(raised) == _bad_request(
        "Duplicate topic names are not allowed within a List."
    )
    assert account.get_contact_list(ContactListName="l")["Topics"] == [NEWS]


def test_contacts_crud(account: Client) -> None:
    account.create_contact_list(ContactListName="l", Topics=[NEWS, OFFERS])
    account.create_contact(
        ContactListName="l",
        EmailAddress="a@example.com",
        TopicPreferences=[{"TopicName": "offers", "SubscriptionStatus": "OPT_IN"}],
        AttributesData='{"name": "Ann"}',
    )
    got = strip_metadata(account.get_contact(ContactListName="l", EmailAddress="a@example.com"))
    created, updated = got.pop("CreatedTimestamp"), got.pop("LastUpdatedTimestamp")
    assert created == updated
    assert got == {
        "ContactListName": "l",
        "EmailAddress": "a@example.com",
        "TopicPreferences": [{"TopicName": "offers", "SubscriptionStatus": "OPT_IN"}],
        "TopicDefaultPreferences": [{"TopicName": "news", "SubscriptionStatus": "OPT_IN"}],
        "UnsubscribeAll": False,
        "AttributesData": '{"name": "Ann"}',
    }
    with pytest.raises(ClientError) as raised:
        account.create_contact(ContactListName="l", EmailAddress="a@example.com")
    assert error_tuple(raised) == (
        "AlreadyExistsException",
        "a@example.com already exists in List.",
        400,
    )
    # UpdateContact replaces everything: preferences left out are removed
    account.update_contact(
        ContactListName="l",
        EmailAddress="a@example.com",
        TopicPreferences=[{"TopicName": "news", "SubscriptionStatus": "OPT_OUT"}],
        UnsubscribeAll=True,
    )
    got = account.get_contact(ContactListName="l", EmailAddress="a@example.com")
    assert got["TopicPreferences"] == [{"TopicName": "news", "SubscriptionStatus": "OPT_OUT"}]
    assert got["TopicDefaultPreferences"] == [
        {"TopicName": "offers", "SubscriptionStatus": "OPT_OUT"}
    ]
    assert got["UnsubscribeAll"] is True
    assert "AttributesData" not in got
    account.delete_contact(ContactListName="l", EmailAddress="a@example.com")
    for call in (account.get_contact, account.delete_contact):
        with pytest.raises(ClientError) as raised:
            call(ContactListName="l", EmailAddress="a@example.com")
        assert error_tuple(raised) == (
            "NotFoundException",
            "a@example.com doesn't exist in List.",
            404,
        )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"ContactListName": "missing", "EmailAddress": "a@example.com"},
            ("NotFoundException", "List with name: missing doesn't exist.", 404),
        ),
        (
            {"ContactListName": "l", "EmailAddress": "not-an-address"},
            _bad_request("EmailAddress <not-an-address> is invalid"),
        ),
        (
            {
                "ContactListName": "l",
                "EmailAddress": "a@example.com",
                "TopicPreferences": [{"TopicName": "nope", "SubscriptionStatus": "OPT_IN"}],
            },
            _bad_request("List: l doesn't contain Topic: nope"),
        ),
        (
            {"ContactListName": "l", "EmailAddress": "a@example.com", "AttributesData": "[1]"},
            _bad_request("AttributesData must be a valid JSON object."),
        ),
        (
            {"ContactListName": "l", "EmailAddress": "a@example.com", "AttributesData": "{"},
            _bad_request("AttributesData must be a valid JSON object."),
        ),
    ],
)
def test_bad_contacts_are_refused_and_change_nothing(
    account: Client, kwargs: dict[str, Any], expected: tuple[str, str, int]
) -> None:
    account.create_contact_list(ContactListName="l", Topics=[NEWS])
    with pytest.raises(ClientError) as raised:
        account.create_contact(**kwargs)
    assert error_tuple(raised) == expected
    assert account.list_contacts(ContactListName="l")["Contacts"] == []


def test_deleting_the_list_deletes_its_contacts(account: Client) -> None:
    account.create_contact_list(ContactListName="l", Topics=[NEWS])
    account.create_contact(ContactListName="l", EmailAddress="a@example.com")
    account.delete_contact_list(ContactListName="l")
    account.create_contact_list(ContactListName="l", Topics=[NEWS])
    assert account.list_contacts(ContactListName="l")["Contacts"] == []


def _emails(response: dict[str, Any]) -> list[str]:
    return [c["EmailAddress"] for c in response["Contacts"]]


def test_list_contacts_filters_and_pages(account: Client) -> None:
    account.create_contact_list(ContactListName="l", Topics=[NEWS, OFFERS])
    opted = [{"TopicName": "offers", "SubscriptionStatus": "OPT_IN"}]
    out = [{"TopicName": "news", "SubscriptionStatus": "OPT_OUT"}]
    account.create_contact(ContactListName="l", EmailAddress="a@example.com")
    account.create_contact(
        ContactListName="l", EmailAddress="b@example.com", TopicPreferences=opted
    )
    account.create_contact(ContactListName="l", EmailAddress="c@example.com", TopicPreferences=out)
    account.create_contact(ContactListName="l", EmailAddress="d@example.com", UnsubscribeAll=True)

    everyone = account.list_contacts(ContactListName="l")
    assert _emails(everyone) == ["a@example.com", "b@example.com", "c@example.com", "d@example.com"]
    assert everyone["Contacts"][1] == {
        "EmailAddress": "b@example.com",
        "TopicPreferences": opted,
        "TopicDefaultPreferences": [{"TopicName": "news", "SubscriptionStatus": "OPT_IN"}],
        "UnsubscribeAll": False,
        "LastUpdatedTimestamp": everyone["Contacts"][1]["LastUpdatedTimestamp"],
    }

    def filtered(**filter_: Any) -> list[str]:
        return _emails(account.list_contacts(ContactListName="l", Filter=filter_))

    assert filtered(FilteredStatus="OPT_OUT") == ["d@example.com"]
    assert filtered(FilteredStatus="OPT_IN") == ["a@example.com", "b@example.com", "c@example.com"]
    news = {"TopicName": "news", "UseDefaultIfPreferenceUnavailable": True}
    assert filtered(FilteredStatus="OPT_IN", TopicFilter=news) == ["a@example.com", "b@example.com"]
    assert filtered(FilteredStatus="OPT_OUT", TopicFilter=news) == [
        "c@example.com",
        "d@example.com",
    ]
    explicit = {"TopicName": "offers", "UseDefaultIfPreferenceUnavailable": False}
    assert filtered(FilteredStatus="OPT_IN", TopicFilter=explicit) == ["b@example.com"]
    offers = {"TopicName": "offers", "UseDefaultIfPreferenceUnavailable": True}
    assert filtered(FilteredStatus="OPT_OUT", TopicFilter=offers) == [
        "a@example.com",
        "c@example.com",
        "d@example.com",
    ]

    first = account.list_contacts(
        ContactListName="l", PageSize=2, Filter={"FilteredStatus": "OPT_IN"}
    )
    assert _emails(first) == ["a@example.com", "b@example.com"]
    second = account.list_contacts(
        ContactListName="l",
        PageSize=2,
        Filter={"FilteredStatus": "OPT_IN"},
        NextToken=first["NextToken"],
    )
    assert _emails(second) == ["c@example.com"]
    assert "NextToken" not in second

    with pytest.raises(ClientError) as raised:
        filtered(FilteredStatus="OPT_IN", TopicFilter={"TopicName": "nope"})
    assert error_tuple(raised) == _bad_request("List: l doesn't contain Topic: nope")
    with pytest.raises(ClientError) as raised:
        account.list_contacts(ContactListName="l", NextToken="garbage!")
    assert error_tuple(raised) == _bad_request("invalid nextToken garbage!")
    with pytest.raises(ClientError) as raised:
        account.list_contacts(ContactListName="l", PageSize=1001)
    assert error_tuple(raised) == _bad_request("The page size must be between 1 and 1000")
