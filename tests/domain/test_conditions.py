"""IAM Condition operators and their qualifiers (issue 18), as the IAM User Guide describes
them, evaluated by domain/conditions.py."""

from __future__ import annotations

import pytest

from openses.domain.conditions import MalformedCondition, build, check, matches

CONTEXT = build(
    [
        ("ses:FromAddress", ("news@example.com",)),
        ("ses:FromDisplayName", ("Example News",)),
        ("ses:Recipients", ("a@example.net", "b@example.org")),
        ("ses:ApiVersion", ("2",)),
        ("aws:SourceIp", ("192.0.2.10",)),
        ("aws:CurrentTime", ("2026-06-01T12:00:00Z",)),
        ("aws:EpochTime", ("1780315200",)),
        ("aws:SecureTransport", ("false",)),
        ("aws:PrincipalAccount", ("111122223333",)),
        ("aws:RequestTag/Team", ("mail",)),
        ("aws:TagKeys", ("Team", "Cost")),
    ]
)


@pytest.mark.parametrize(
    ("block", "holds"),
    [
        ({"StringEquals": {"ses:FromAddress": "news@example.com"}}, True),
        ({"StringEquals": {"SES:fromaddress": "news@example.com"}}, True),  # key names: any case
        ({"StringEquals": {"ses:FromAddress": "NEWS@example.com"}}, False),
        ({"StringEqualsIgnoreCase": {"ses:FromAddress": "NEWS@example.com"}}, True),
        ({"StringNotEquals": {"ses:FromAddress": ["x@y.z", "news@example.com"]}}, False),
        ({"StringNotEquals": {"ses:FromAddress": "x@y.z"}}, True),
        ({"StringNotEqualsIgnoreCase": {"ses:FromAddress": "NEWS@EXAMPLE.COM"}}, False),
        ({"StringLike": {"ses:FromAddress": "*@example.com"}}, True),
        ({"StringLike": {"ses:FromAddress": "new?@example.com"}}, True),
        ({"StringNotLike": {"ses:FromDisplayName": "Example*"}}, False),
        ({"ForAllValues:StringLike": {"ses:Recipients": ["*@example.net", "*.org"]}}, True),
        ({"ForAllValues:StringLike": {"ses:Recipients": "*@example.net"}}, False),
        ({"ForAnyValue:StringLike": {"ses:Recipients": "*@example.net"}}, True),
        ({"ForAnyValue:StringEquals": {"ses:Recipients": "c@example.com"}}, False),
        ({"ForAllValues:StringEquals": {"ses:FeedbackAddress": "x@y.z"}}, True),  # absent key
        ({"ForAnyValue:StringEquals": {"ses:FeedbackAddress": "x@y.z"}}, False),
        ({"StringEquals": {"ses:FeedbackAddress": "x@y.z"}}, False),  # absent key
        ({"StringNotEquals": {"ses:FeedbackAddress": "x@y.z"}}, True),  # absent, negated
        ({"StringEqualsIfExists": {"ses:FeedbackAddress": "x@y.z"}}, True),
        ({"StringEqualsIfExists": {"ses:FromAddress": "x@y.z"}}, False),
        ({"Null": {"ses:FeedbackAddress": "true"}}, True),
        ({"Null": {"ses:FromAddress": "true"}}, False),
        ({"Null": {"ses:FromAddress": "false"}}, True),
        ({"Bool": {"aws:SecureTransport": "false"}}, True),
        ({"Bool": {"aws:SecureTransport": True}}, False),
        ({"NumericEquals": {"ses:ApiVersion": "2"}}, True),
        ({"NumericNotEquals": {"ses:ApiVersion": 2}}, False),
        ({"NumericLessThan": {"ses:ApiVersion": "3"}}, True),
        ({"NumericLessThanEquals": {"ses:ApiVersion": "1"}}, False),
        ({"NumericGreaterThan": {"ses:ApiVersion": "1.5"}}, True),
        ({"NumericGreaterThanEquals": {"ses:ApiVersion": "2"}}, True),
        ({"NumericEquals": {"ses:FromAddress": "2"}}, False),  # not a number
        ({"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}, True),
        ({"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}, False),
        ({"DateLessThanEquals": {"aws:CurrentTime": "2026-06-01T12:00:00+00:00"}}, True),
        ({"DateGreaterThanEquals": {"aws:CurrentTime": "2026-06-01T12:00:01Z"}}, False),
        ({"DateEquals": {"aws:CurrentTime": "1780315200"}}, True),  # epoch seconds
        ({"DateNotEquals": {"aws:EpochTime": "2026-06-01T12:00:00Z"}}, False),
        ({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}}, True),
        ({"IpAddress": {"aws:SourceIp": "192.0.2.11/32"}}, False),
        ({"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}, False),
        ({"NotIpAddress": {"aws:SourceIp": "2001:db8::/32"}}, True),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:ses:*"}}, False),  # absent key
        ({"StringEquals": {"aws:PrincipalAccount": "111122223333"}}, True),
        ({"StringEquals": {"aws:RequestTag/Team": "mail"}}, True),
        ({"StringEquals": {"aws:RequestTag/team": "mail"}}, False),  # tag keys keep their case
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["Team", "Cost", "Owner"]}}, True),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["Team"]}}, False),
        (
            {
                "StringLike": {"ses:FromAddress": "*@example.com"},
                "IpAddress": {"aws:SourceIp": "198.51.100.0/24"},
            },
            False,  # every operator must hold
        ),
    ],
)
def test_operators(block: dict[str, dict[str, object]], holds: bool) -> None:
    check(block)
    assert matches(block, CONTEXT) is holds


def test_arn_operators() -> None:
    context = build([("aws:SourceArn", ("arn:aws:ses:us-east-1:111122223333:identity/a.com",))])
    assert matches({"ArnLike": {"aws:SourceArn": "arn:aws:ses:*:111122223333:*"}}, context)
    assert matches({"ArnEquals": {"aws:SourceArn": "arn:aws:ses:*:*:identity/a.com"}}, context)
    assert not matches({"ArnNotLike": {"aws:SourceArn": "arn:aws:ses:*"}}, context)
    assert matches({"ArnNotEquals": {"aws:SourceArn": "arn:aws:sns:*"}}, context)


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ([], "Syntax errors in policy."),
        ({"StringEquals": "x"}, "Syntax errors in policy."),
        ({"StringEquals": {}}, "Syntax errors in policy."),
        (
            {"StringSomething": {"ses:FromAddress": "x"}},
            "Invalid Condition type : StringSomething.",
        ),
        (
            {"ForAllValues:Null": {"ses:FromAddress": "x"}},
            "Invalid Condition type : ForAllValues:Null.",
        ),
        (
            {"StringEquals": {"FromAddress": "x"}},
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. "
            "(FromAddress)",
        ),
        ({"StringEquals": {"ses:FromAddress": {"nested": 1}}}, "Syntax errors in policy."),
    ],
)
def test_malformed_blocks(block: object, message: str) -> None:
    with pytest.raises(MalformedCondition) as raised:
        check(block)
    assert str(raised.value) == message
