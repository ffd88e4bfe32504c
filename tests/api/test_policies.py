"""IAM policies attached to access keys (issue 18): Allow and Deny, Action and NotAction with
wildcards, Resource ARNs, explicit Deny wins; AWS's AccessDenied on v1, AccessDeniedException
on v2 and SES's 554 over SMTP. Keys without a policy may do anything in their account."""

from __future__ import annotations

import json
import smtplib
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner

from openses.cli import main
from openses.config import Settings
from openses.domain.policy import allows, statements
from openses.smtp.auth import smtp_password
from tests.smtp.support import message, trusting
from tests.support import CLIENT_CONFIG, LiveServer, database_url, serve_in_thread, unique

ACCOUNT = "666666666666"
READ_AND_CREATE = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["ses:Get*", "ses:List*", "ses:Describe*"], "Resource": "*"},
        {"Effect": "Allow", "Action": "ses:CreateConfigurationSet", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "ses:CreateConfigurationSet",
            "Resource": "arn:aws:ses:*:*:configuration-set/forbidden-*",
        },
        {
            "Sid": "SendFromOneDomain",
            "Effect": "Allow",
            "Action": ["ses:SendEmail", "ses:SendRawEmail"],
            "Resource": f"arn:aws:ses:us-east-1:{ACCOUNT}:identity/allowed.example.com",
        },
    ],
}
ALL_BUT_DELETES = {
    "Statement": {"Effect": "Allow", "NotAction": "ses:Delete*", "Resource": "*"},
}


class Keys:
    def __init__(self, live: LiveServer, keys: dict[str, tuple[str, str]]):
        self.live = live
        self.keys = keys

    def client(self, service: str, which: str) -> Any:
        key, secret = self.keys[which]
        return boto3.client(
            service,
            endpoint_url=self.live.url,
            region_name="us-east-1",
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            config=CLIENT_CONFIG,
        )

    def user(self, which: str) -> str:
        return f"arn:aws:iam::{ACCOUNT}:user/{which}"


@pytest.fixture(scope="module")
def keyed(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Keys]:
    tmp = tmp_path_factory.mktemp(f"policies-{backend}")
    with database_url(backend, str(tmp)) as url:
        env = {"OPENSES_DATABASE_URL": url, "OPENSES_SECRET_KEY": "policy tests"}
        runner = CliRunner()
        assert runner.invoke(main, ["migrate"], env=env).exit_code == 0
        keys: dict[str, tuple[str, str]] = {}
        for name, document in (("reader", READ_AND_CREATE), ("nodelete", ALL_BUT_DELETES)):
            policy_file = tmp / f"{name}.json"
            policy_file.write_text(json.dumps(document))
            made = runner.invoke(
                main,
                [
                    "access-keys",
                    "create",
                    "--account",
                    ACCOUNT,
                    "--name",
                    name,
                    "--policy",
                    str(policy_file),
                ],
                env=env,
            )
            key = json.loads(made.stdout)["AccessKey"]
            keys[name] = (key["AccessKeyId"], key["SecretAccessKey"])
        made = runner.invoke(main, ["access-keys", "create", "--account", ACCOUNT], env=env)
        key = json.loads(made.stdout)["AccessKey"]
        keys["admin"] = (key["AccessKeyId"], key["SecretAccessKey"])
        settings = Settings(
            database_url=url,
            validate_destinations=False,
            dispatch_events=False,
            auth="strict",
            admin_token="admin",
            secret_key="policy tests",
        )
        with serve_in_thread(settings) as live:
            yield Keys(live, keys)


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = raised.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_allowed_actions_pass_and_others_are_access_denied(keyed: Keys) -> None:
    reader_v2 = keyed.client("sesv2", "reader")
    assert reader_v2.list_configuration_sets()["ConfigurationSets"] == []
    name = unique("allowed")
    reader_v2.create_configuration_set(ConfigurationSetName=name)
    with pytest.raises(ClientError) as v2:
        reader_v2.delete_configuration_set(ConfigurationSetName=name)
    resource = f"arn:aws:ses:us-east-1:{ACCOUNT}:configuration-set/{name}"
    assert error_of(v2) == (
        "AccessDeniedException",
        f"User: {keyed.user('reader')} is not authorized to perform: "
        f"ses:DeleteConfigurationSet on resource: {resource}",
        403,
    )
    with pytest.raises(ClientError) as v1:
        keyed.client("ses", "reader").verify_email_identity(EmailAddress="me@example.com")
    assert error_of(v1) == (
        "AccessDenied",
        f"User: {keyed.user('reader')} is not authorized to perform: ses:VerifyEmailIdentity "
        f"on resource: arn:aws:ses:us-east-1:{ACCOUNT}:identity/me@example.com",
        403,
    )
    # the set is still there: nothing changed
    assert name in reader_v2.list_configuration_sets()["ConfigurationSets"]
    keyed.client("sesv2", "admin").delete_configuration_set(ConfigurationSetName=name)


def test_a_key_without_policies_may_do_anything_in_its_account(keyed: Keys) -> None:
    """What the reader's policy refuses, the admin key (no policy attached) may do: the
    gateway does not evaluate policies for it at all."""
    admin_v2 = keyed.client("sesv2", "admin")
    name = unique("unlimited")
    admin_v2.create_configuration_set(ConfigurationSetName=name)
    admin_v2.delete_configuration_set(ConfigurationSetName=name)
    keyed.client("ses", "admin").verify_email_identity(EmailAddress="admin@example.com")
    assert name not in admin_v2.list_configuration_sets()["ConfigurationSets"]


def test_an_explicit_deny_wins_over_an_allow(keyed: Keys) -> None:
    name = unique("forbidden")
    with pytest.raises(ClientError) as v1:
        keyed.client("ses", "reader").create_configuration_set(ConfigurationSet={"Name": name})
    assert error_of(v1)[0::2] == ("AccessDenied", 403)
    listed = keyed.client("sesv2", "admin").list_configuration_sets()["ConfigurationSets"]
    assert name not in listed


def test_not_action_allows_everything_else(keyed: Keys) -> None:
    client = keyed.client("sesv2", "nodelete")
    name = unique("na")
    client.create_configuration_set(ConfigurationSetName=name)
    with pytest.raises(ClientError) as raised:
        client.delete_configuration_set(ConfigurationSetName=name)
    assert error_of(raised)[0] == "AccessDeniedException"
    keyed.client("sesv2", "admin").delete_configuration_set(ConfigurationSetName=name)


def test_sends_need_the_senders_identity(keyed: Keys) -> None:
    admin = keyed.client("sesv2", "admin")
    for domain in ("allowed.example.com", "other.example.com"):
        admin.create_email_identity(EmailIdentity=domain)
    reader_v1 = keyed.client("ses", "reader")
    content = {"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hello"}}}
    sent = reader_v1.send_email(
        Source="me@allowed.example.com",
        Destination={"ToAddresses": ["you@example.net"]},
        Message=content,
    )
    assert sent["MessageId"]
    with pytest.raises(ClientError) as v1:
        reader_v1.send_email(
            Source="me@other.example.com",
            Destination={"ToAddresses": ["you@example.net"]},
            Message=content,
        )
    assert error_of(v1) == (
        "AccessDenied",
        f"User `{keyed.user('reader')}' is not authorized to perform `ses:SendEmail' on "
        f"resource `arn:aws:ses:us-east-1:{ACCOUNT}:identity/other.example.com'",
        403,
    )
    key, secret = keyed.keys["reader"]
    live = keyed.live
    with smtplib.SMTP_SSL("127.0.0.1", live.settings.smtps_port, context=trusting(live)) as smtp:
        smtp.login(key, smtp_password(secret, "us-east-1"))
        assert (
            smtp.sendmail(
                "me@allowed.example.com", ["you@example.net"], message("me@allowed.example.com")
            )
            == {}
        )
        with pytest.raises(smtplib.SMTPDataError) as denied:
            smtp.sendmail(
                "me@other.example.com", ["you@example.net"], message("me@other.example.com")
            )
    assert (denied.value.smtp_code, denied.value.smtp_error) == (
        554,
        f"Access denied: User `{keyed.user('reader')}' is not authorized to perform "
        f"`ses:SendRawEmail' on resource `arn:aws:ses:us-east-1:{ACCOUNT}:identity/"
        "other.example.com'".encode(),
    )


@pytest.mark.parametrize(
    ("document", "action", "resource", "allowed"),
    [
        ({"Effect": "Allow", "Action": "ses:*", "Resource": "*"}, "ses:SendEmail", "x", True),
        ({"Effect": "Allow", "Action": "SES:send*", "Resource": "*"}, "ses:SendEmail", "x", True),
        (
            {"Effect": "Allow", "Action": "ses:Get?ccount", "Resource": "*"},
            "ses:GetAccount",
            "*",
            True,
        ),
        (
            {"Effect": "Allow", "Action": "ses:Get*", "Resource": "*"},
            "ses:ListIdentities",
            "*",
            False,
        ),
        (
            {"Effect": "Allow", "Action": "ses:*", "Resource": "arn:aws:ses:*:1:identity/a.com"},
            "ses:SendEmail",
            "arn:aws:ses:us-east-1:1:identity/A.com",
            False,  # resources are case-sensitive
        ),
        (
            {"Effect": "Allow", "Action": "ses:*", "NotResource": "arn:aws:ses:*:*:template/*"},
            "ses:GetTemplate",
            "arn:aws:ses:us-east-1:1:template/t",
            False,
        ),
        (
            {
                "Effect": "Allow",
                "Action": "ses:*",
                "Resource": "*",
                "Condition": {"StringEquals": {"ses:FromAddress": "a@b.c"}},
            },
            "ses:SendEmail",
            "*",
            False,  # ses:FromAddress is absent from the context: the condition fails
        ),
        (
            {"Effect": "Allow", "Action": "ses:[Gg]et*", "Resource": "*"},
            "ses:GetAccount",
            "*",
            False,
        ),
    ],
)
def test_evaluation(document: dict[str, Any], action: str, resource: str, allowed: bool) -> None:
    parsed = statements(json.dumps({"Statement": document}))
    assert allows(parsed, action, resource) is allowed
