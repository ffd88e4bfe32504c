"""Sending authorization policies of email identities (issue 18) through the wire: v2
Create/Get/Update/DeleteEmailIdentityPolicy and v1 Put/Get/List/DeleteIdentityPolicy, the name
and document rules, the 20-policy limit, and errors that change nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support import LiveServer, error_tuple, fresh_account, unique


def document(identity_arn: str, principal: str = "111122223333", **extra: Any) -> str:
    statement = {
        "Sid": "AllowPartner",
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": ["ses:SendEmail", "ses:SendRawEmail"],
        "Resource": identity_arn,
        **extra,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def owner(server: LiveServer) -> tuple[Any, Any, str, str]:
    """(v2 client, v1 client, identity name, its ARN) in a fresh account."""
    account = fresh_account()
    sesv2 = server.client("sesv2", access_key=account)
    ses = server.client("ses", access_key=account)
    name = f"{unique('pol')}.example.com"
    sesv2.create_email_identity(EmailIdentity=name)
    return sesv2, ses, name, f"arn:aws:ses:us-east-1:{account}:identity/{name}"


def test_v2_create_get_update_delete(owner: tuple[Any, Any, str, str]) -> None:
    sesv2, _, name, arn = owner
    assert sesv2.get_email_identity_policies(EmailIdentity=name)["Policies"] == {}
    first = document(arn)
    sesv2.create_email_identity_policy(EmailIdentity=name, PolicyName="partner", Policy=first)
    assert sesv2.get_email_identity_policies(EmailIdentity=name)["Policies"] == {"partner": first}
    with pytest.raises(ClientError) as again:
        sesv2.create_email_identity_policy(EmailIdentity=name, PolicyName="partner", Policy=first)
    assert error_tuple(again) == (
        "AlreadyExistsException",
        f"Policy partner already exists for identity {name}.",
        400,
    )
    second = document(arn, principal="arn:aws:iam::111122223333:user/mailer")
    sesv2.update_email_identity_policy(EmailIdentity=name, PolicyName="partner", Policy=second)
    # Update of a missing name succeeds and adds nothing (API reference)
    sesv2.update_email_identity_policy(EmailIdentity=name, PolicyName="absent", Policy=second)
    assert sesv2.get_email_identity_policies(EmailIdentity=name)["Policies"] == {"partner": second}
    sesv2.delete_email_identity_policy(EmailIdentity=name, PolicyName="partner")
    sesv2.delete_email_identity_policy(EmailIdentity=name, PolicyName="partner")  # idempotent
    assert sesv2.get_email_identity_policies(EmailIdentity=name)["Policies"] == {}


def test_v1_put_list_get_delete_by_name_and_arn(owner: tuple[Any, Any, str, str]) -> None:
    _, ses, name, arn = owner
    text = document(arn)
    ses.put_identity_policy(Identity=name, PolicyName="a-1", Policy=text)
    ses.put_identity_policy(Identity=arn, PolicyName="b_2", Policy=text)
    ses.put_identity_policy(Identity=name, PolicyName="a-1", Policy=text)  # replaces
    assert ses.list_identity_policies(Identity=name)["PolicyNames"] == ["a-1", "b_2"]
    assert ses.get_identity_policies(Identity=arn, PolicyNames=["b_2", "missing"])["Policies"] == {
        "b_2": text
    }
    ses.delete_identity_policy(Identity=name, PolicyName="a-1")
    ses.delete_identity_policy(Identity=name, PolicyName="never-there")
    assert ses.list_identity_policies(Identity=arn)["PolicyNames"] == ["b_2"]


def test_the_identity_must_exist(server: LiveServer) -> None:
    account = fresh_account()
    missing = f"{unique('none')}.example.com"
    arn = f"arn:aws:ses:us-east-1:{account}:identity/{missing}"
    with pytest.raises(ClientError) as v2:
        server.client("sesv2", access_key=account).create_email_identity_policy(
            EmailIdentity=missing, PolicyName="p", Policy=document(arn)
        )
    assert error_tuple(v2) == (
        "NotFoundException",
        f"Email identity {missing} does not exist.",
        404,
    )
    with pytest.raises(ClientError) as v1:
        server.client("ses", access_key=account).list_identity_policies(Identity=missing)
    assert error_tuple(v1) == (
        "InvalidParameterValue",
        f"Email identity {missing} does not exist.",
        400,
    )


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ("{not json", "Policy is not valid: Syntax errors in policy."),
        (
            json.dumps({"Statement": [{"Effect": "Allow", "Action": "ses:SendEmail"}]}),
            "Policy is not valid: Policy statement must contain a Principal.",
        ),
        (
            json.dumps(
                {
                    "Statement": {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "ses:SendEmail",
                        "Resource": "arn:aws:ses:us-east-1:123456789012:identity/other.com",
                    }
                }
            ),
            "Policy has invalid resource: arn:aws:ses:us-east-1:123456789012:identity/other.com",
        ),
        (
            json.dumps(
                {
                    "Statement": {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "ses:SendEmail",
                        "Resource": "*",
                        "Condition": {"StringWhatever": {"ses:FromAddress": "a@b.c"}},
                    }
                }
            ),
            "Policy is not valid: Invalid Condition type : StringWhatever.",
        ),
        ("x" * 4097, "Policy exceeds the maximum size of 4 KB."),
    ],
)
def test_a_malformed_document_is_refused_and_changes_nothing(
    owner: tuple[Any, Any, str, str], policy: str, message: str
) -> None:
    sesv2, ses, name, _ = owner
    with pytest.raises(ClientError) as v2:
        sesv2.create_email_identity_policy(EmailIdentity=name, PolicyName="p", Policy=policy)
    assert error_tuple(v2) == ("BadRequestException", message, 400)
    with pytest.raises(ClientError) as v1:
        ses.put_identity_policy(Identity=name, PolicyName="p", Policy=policy)
    assert error_tuple(v1) == ("InvalidPolicy", message, 400)
    assert ses.list_identity_policies(Identity=name)["PolicyNames"] == []


def test_policy_names_are_alphanumerics_dashes_underscores(
    owner: tuple[Any, Any, str, str],
) -> None:
    _, ses, name, arn = owner
    with pytest.raises(ClientError) as v1:
        ses.put_identity_policy(Identity=name, PolicyName="bad name!", Policy=document(arn))
    assert error_tuple(v1) == (
        "InvalidPolicy",
        "Invalid policy name bad name!: the name can only include alphanumeric characters, "
        "dashes, and underscores, and can be at most 64 characters long.",
        400,
    )
    assert ses.list_identity_policies(Identity=name)["PolicyNames"] == []


def test_twenty_policies_an_identity(owner: tuple[Any, Any, str, str]) -> None:
    sesv2, ses, name, arn = owner
    text = document(arn)
    for number in range(20):
        ses.put_identity_policy(Identity=name, PolicyName=f"p{number:02}", Policy=text)
    ses.put_identity_policy(Identity=name, PolicyName="p00", Policy=text)  # a replacement
    with pytest.raises(ClientError) as v2:
        sesv2.create_email_identity_policy(EmailIdentity=name, PolicyName="p20", Policy=text)
    message = f"Identity {name} already has the maximum of 20 policies."
    assert error_tuple(v2) == ("LimitExceededException", message, 400)
    with pytest.raises(ClientError) as v1:
        ses.put_identity_policy(Identity=name, PolicyName="p20", Policy=text)
    assert error_tuple(v1) == ("LimitExceeded", message, 400)
    assert len(ses.list_identity_policies(Identity=name)["PolicyNames"]) == 20


def test_policies_go_with_their_identity(owner: tuple[Any, Any, str, str]) -> None:
    sesv2, _, name, arn = owner
    sesv2.create_email_identity_policy(EmailIdentity=name, PolicyName="p", Policy=document(arn))
    sesv2.delete_email_identity(EmailIdentity=name)
    sesv2.create_email_identity(EmailIdentity=name)
    assert sesv2.get_email_identity_policies(EmailIdentity=name)["Policies"] == {}


def test_v1_refuses_the_arn_of_another_accounts_identity(
    owner: tuple[Any, Any, str, str],
) -> None:
    _, ses, name, arn = owner
    foreign = f"arn:aws:ses:us-east-1:999999999999:identity/{name}"
    with pytest.raises(ClientError) as raised:
        ses.put_identity_policy(Identity=foreign, PolicyName="p", Policy=document(arn))
    assert error_tuple(raised) == (
        "InvalidParameterValue",
        f"Email identity {foreign} does not exist.",
        400,
    )
    assert ses.list_identity_policies(Identity=name)["PolicyNames"] == []
