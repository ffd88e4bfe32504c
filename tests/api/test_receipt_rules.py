"""Email receiving's v1 operations through boto3 `ses`: receipt rule sets, receipt rules and
IP filters, with AWS's errors. Each test works in a fresh account, so listings and the
active set are its own."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support import LiveServer, error_tuple, fresh_account, strip_metadata, unique


@pytest.fixture
def ses_account(server: LiveServer) -> Any:
    return server.client("ses", access_key=fresh_account())


def _set(name_prefix: str = "rs") -> str:
    return unique(name_prefix)


def _names(described: dict[str, Any]) -> list[str]:
    return [rule["Name"] for rule in described["Rules"]]


def test_rule_set_lifecycle(ses_account: Any) -> None:
    ses = ses_account
    first, second = sorted([_set(), _set()])
    ses.create_receipt_rule_set(RuleSetName=first)
    ses.create_receipt_rule_set(RuleSetName=second)

    listed = ses.list_receipt_rule_sets()
    assert [item["Name"] for item in listed["RuleSets"]] == [first, second]
    assert all(isinstance(i["CreatedTimestamp"], datetime.datetime) for i in listed["RuleSets"])
    assert "NextToken" not in listed

    described = ses.describe_receipt_rule_set(RuleSetName=first)
    assert described["Metadata"]["Name"] == first
    assert described.get("Rules", []) == []

    with pytest.raises(ClientError) as raised:
        ses.create_receipt_rule_set(RuleSetName=first)
    assert error_tuple(raised) == ("AlreadyExists", f"Rule set already exists: {first}", 400)

    ses.delete_receipt_rule_set(RuleSetName=second)
    ses.delete_receipt_rule_set(RuleSetName=second)  # gone already: no error, as the model
    assert [i["Name"] for i in ses.list_receipt_rule_sets()["RuleSets"]] == [first]


def test_missing_rule_set_errors(ses_account: Any) -> None:
    ses = ses_account
    missing = _set("missing")
    expected = ("RuleSetDoesNotExist", f"Rule set does not exist: {missing}", 400)
    calls: list[Callable[[], object]] = [
        lambda: ses.describe_receipt_rule_set(RuleSetName=missing),
        lambda: ses.set_active_receipt_rule_set(RuleSetName=missing),
        lambda: ses.clone_receipt_rule_set(RuleSetName=_set(), OriginalRuleSetName=missing),
        lambda: ses.create_receipt_rule(RuleSetName=missing, Rule={"Name": "r"}),
        lambda: ses.describe_receipt_rule(RuleSetName=missing, RuleName="r"),
        lambda: ses.update_receipt_rule(RuleSetName=missing, Rule={"Name": "r"}),
        lambda: ses.delete_receipt_rule(RuleSetName=missing, RuleName="r"),
        lambda: ses.set_receipt_rule_position(RuleSetName=missing, RuleName="r"),
        lambda: ses.reorder_receipt_rule_set(RuleSetName=missing, RuleNames=["r"]),
    ]
    for call in calls:
        with pytest.raises(ClientError) as raised:
            call()
        assert error_tuple(raised) == expected


@pytest.mark.parametrize(
    "name", ["", "-starts-with-dash", "ends_", "has space", "dot.ted", "x" * 65, "ünïcode"]
)
def test_bad_rule_set_names(ses_account: Any, server: LiveServer, name: str) -> None:
    ses = server.client("ses", access_key=fresh_account(), validate=False)
    with pytest.raises(ClientError) as raised:
        ses.create_receipt_rule_set(RuleSetName=name)
    assert error_tuple(raised) == ("InvalidParameterValue", f"Invalid rule set name: {name}", 400)
    assert ses.list_receipt_rule_sets().get("RuleSets", []) == []


def test_active_rule_set(ses_account: Any) -> None:
    ses = ses_account
    assert strip_metadata(ses.describe_active_receipt_rule_set()) == {}
    name = _set()
    ses.create_receipt_rule_set(RuleSetName=name)
    ses.create_receipt_rule(RuleSetName=name, Rule={"Name": "one", "Enabled": True})
    ses.set_active_receipt_rule_set(RuleSetName=name)
    active = ses.describe_active_receipt_rule_set()
    assert active["Metadata"]["Name"] == name
    assert _names(active) == ["one"]

    with pytest.raises(ClientError) as raised:
        ses.delete_receipt_rule_set(RuleSetName=name)
    assert error_tuple(raised) == ("CannotDelete", f"Cannot delete active rule set: {name}", 400)

    ses.set_active_receipt_rule_set()  # no name: no set is active
    assert strip_metadata(ses.describe_active_receipt_rule_set()) == {}
    ses.delete_receipt_rule_set(RuleSetName=name)


def test_rules_in_order(ses_account: Any) -> None:
    ses = ses_account
    name = _set()
    ses.create_receipt_rule_set(RuleSetName=name)
    ses.create_receipt_rule(RuleSetName=name, Rule={"Name": "a"})
    ses.create_receipt_rule(RuleSetName=name, Rule={"Name": "b"}, After="a")
    ses.create_receipt_rule(RuleSetName=name, Rule={"Name": "c"})  # no After: first
    assert _names(ses.describe_receipt_rule_set(RuleSetName=name)) == ["c", "a", "b"]

    ses.set_receipt_rule_position(RuleSetName=name, RuleName="c", After="b")
    assert _names(ses.describe_receipt_rule_set(RuleSetName=name)) == ["a", "b", "c"]
    ses.set_receipt_rule_position(RuleSetName=name, RuleName="b")
    assert _names(ses.describe_receipt_rule_set(RuleSetName=name)) == ["b", "a", "c"]

    ses.reorder_receipt_rule_set(RuleSetName=name, RuleNames=["c", "b", "a"])
    assert _names(ses.describe_receipt_rule_set(RuleSetName=name)) == ["c", "b", "a"]

    with pytest.raises(ClientError) as raised:
        ses.reorder_receipt_rule_set(RuleSetName=name, RuleNames=["c", "b", "zz"])
    assert error_tuple(raised) == ("RuleDoesNotExist", "Rule does not exist: zz", 400)
    with pytest.raises(ClientError) as raised:
        ses.reorder_receipt_rule_set(RuleSetName=name, RuleNames=["c", "b"])
    assert error_tuple(raised)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as raised:
        ses.set_receipt_rule_position(RuleSetName=name, RuleName="a", After="zz")
    assert error_tuple(raised) == ("RuleDoesNotExist", "Rule does not exist: zz", 400)
    with pytest.raises(ClientError) as raised:
        ses.create_receipt_rule(RuleSetName=name, Rule={"Name": "d"}, After="zz")
    assert error_tuple(raised) == ("RuleDoesNotExist", "Rule does not exist: zz", 400)
    with pytest.raises(ClientError) as raised:
        ses.create_receipt_rule(RuleSetName=name, Rule={"Name": "a"})
    assert error_tuple(raised) == ("AlreadyExists", "Rule already exists: a", 400)
    assert _names(ses.describe_receipt_rule_set(RuleSetName=name)) == ["c", "b", "a"]

    ses.delete_receipt_rule(RuleSetName=name, RuleName="b")
    ses.delete_receipt_rule(RuleSetName=name, RuleName="b")  # gone: no error, as the model
    assert _names(ses.describe_receipt_rule_set(RuleSetName=name)) == ["c", "a"]


def test_rule_round_trip_and_update(ses_account: Any) -> None:
    ses = ses_account
    name = _set()
    ses.create_receipt_rule_set(RuleSetName=name)
    rule = {
        "Name": "everything.v1",
        "Enabled": True,
        "TlsPolicy": "Require",
        "Recipients": ["user@example.com", "example.org", ".example.net"],
        "Actions": [
            {"AddHeaderAction": {"HeaderName": "X-Seen", "HeaderValue": "yes"}},
            {"S3Action": {"BucketName": "inbox", "ObjectKeyPrefix": "mail/"}},
            {"StopAction": {"Scope": "RuleSet"}},
        ],
        "ScanEnabled": True,
    }
    ses.create_receipt_rule(RuleSetName=name, Rule=rule)
    got = ses.describe_receipt_rule(RuleSetName=name, RuleName="everything.v1")
    assert got["Rule"] == rule

    minimal = {"Name": "everything.v1"}
    ses.update_receipt_rule(RuleSetName=name, Rule=minimal)
    got = ses.describe_receipt_rule(RuleSetName=name, RuleName="everything.v1")
    assert got["Rule"] == {
        "Name": "everything.v1",
        "Enabled": False,
        "TlsPolicy": "Optional",
        "ScanEnabled": False,
    }

    with pytest.raises(ClientError) as raised:
        ses.update_receipt_rule(RuleSetName=name, Rule={"Name": "nope"})
    assert error_tuple(raised) == ("RuleDoesNotExist", "Rule does not exist: nope", 400)
    with pytest.raises(ClientError) as raised:
        ses.describe_receipt_rule(RuleSetName=name, RuleName="nope")
    assert error_tuple(raised) == ("RuleDoesNotExist", "Rule does not exist: nope", 400)


@pytest.mark.parametrize(
    "rule",
    [
        {"Name": "bad name"},
        {"Name": "x" * 65},
        {"Name": "ok", "Recipients": ["not an address"]},
        {"Name": "ok", "Recipients": ["@example.com"]},
        {"Name": "ok", "Recipients": [f"u{i}@example.com" for i in range(101)]},
        {"Name": "ok", "Actions": [{"AddHeaderAction": {"HeaderName": "X:y", "HeaderValue": "v"}}]},
        {
            "Name": "ok",
            "Actions": [
                {"BounceAction": {"SmtpReplyCode": "250", "Message": "m", "Sender": "a@b.c"}}
            ],
        },
    ],
)
def test_bad_rules_change_nothing(server: LiveServer, rule: dict[str, Any]) -> None:
    ses = server.client("ses", access_key=fresh_account(), validate=False)
    name = _set()
    ses.create_receipt_rule_set(RuleSetName=name)
    with pytest.raises(ClientError) as raised:
        ses.create_receipt_rule(RuleSetName=name, Rule=rule)
    code, _message, status = error_tuple(raised)
    assert status == 400
    expected = "LimitExceeded" if len(rule.get("Recipients", [])) > 100 else "InvalidParameterValue"
    assert code == expected
    assert ses.describe_receipt_rule_set(RuleSetName=name).get("Rules", []) == []


def test_clone_copies_rules(ses_account: Any) -> None:
    ses = ses_account
    original, clone = _set(), _set()
    ses.create_receipt_rule_set(RuleSetName=original)
    ses.create_receipt_rule(RuleSetName=original, Rule={"Name": "a", "Enabled": True})
    ses.clone_receipt_rule_set(RuleSetName=clone, OriginalRuleSetName=original)
    assert _names(ses.describe_receipt_rule_set(RuleSetName=clone)) == ["a"]
    ses.delete_receipt_rule(RuleSetName=clone, RuleName="a")
    assert _names(ses.describe_receipt_rule_set(RuleSetName=original)) == ["a"]
    with pytest.raises(ClientError) as raised:
        ses.clone_receipt_rule_set(RuleSetName=clone, OriginalRuleSetName=original)
    assert error_tuple(raised) == ("AlreadyExists", f"Rule set already exists: {clone}", 400)


def test_rule_set_limit(ses_account: Any) -> None:
    ses = ses_account
    for _ in range(40):
        ses.create_receipt_rule_set(RuleSetName=_set())
    with pytest.raises(ClientError) as raised:
        ses.create_receipt_rule_set(RuleSetName=_set())
    assert error_tuple(raised) == (
        "LimitExceeded",
        "Maximum number of rule sets (40) reached.",
        400,
    )
    assert len(ses.list_receipt_rule_sets()["RuleSets"]) == 40


def test_receipt_filters(server: LiveServer) -> None:
    account = fresh_account()
    ses = server.client("ses", access_key=account)
    assert ses.list_receipt_filters().get("Filters", []) == []
    ses.create_receipt_filter(
        Filter={"Name": "block-all", "IpFilter": {"Policy": "Block", "Cidr": "0.0.0.0/0"}}
    )
    ses.create_receipt_filter(
        Filter={"Name": "allow-one", "IpFilter": {"Policy": "Allow", "Cidr": "10.0.0.1"}}
    )
    assert ses.list_receipt_filters()["Filters"] == [
        {"Name": "allow-one", "IpFilter": {"Policy": "Allow", "Cidr": "10.0.0.1"}},
        {"Name": "block-all", "IpFilter": {"Policy": "Block", "Cidr": "0.0.0.0/0"}},
    ]
    with pytest.raises(ClientError) as raised:
        ses.create_receipt_filter(
            Filter={"Name": "allow-one", "IpFilter": {"Policy": "Block", "Cidr": "10.0.0.2"}}
        )
    assert error_tuple(raised) == ("AlreadyExists", "Filter already exists: allow-one", 400)
    with pytest.raises(ClientError) as raised:
        ses.create_receipt_filter(
            Filter={"Name": "bad-cidr", "IpFilter": {"Policy": "Block", "Cidr": "10.0.0.300"}}
        )
    assert error_tuple(raised) == ("InvalidParameterValue", "Invalid CIDR: 10.0.0.300", 400)
    unchecked = server.client("ses", access_key=account, validate=False)
    with pytest.raises(ClientError) as raised:
        unchecked.create_receipt_filter(
            Filter={"Name": "bad-policy", "IpFilter": {"Policy": "Maybe", "Cidr": "10.0.0.2"}}
        )
    assert error_tuple(raised)[0] == "ValidationError"
    ses.delete_receipt_filter(FilterName="block-all")
    ses.delete_receipt_filter(FilterName="block-all")  # gone: no error
    assert [f["Name"] for f in ses.list_receipt_filters()["Filters"]] == ["allow-one"]
