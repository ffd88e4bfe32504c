"""Sending authorization at send time (issue 18): one account sends through another account's
identity when the identity's policies allow it (with Conditions), in open and strict mode;
otherwise AccessDenied and nothing is sent. The send is the sender's: its quota."""

from __future__ import annotations

import json
import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner

from openses.cli import main
from openses.config import Settings
from openses.smtp.auth import smtp_password
from tests.smtp.support import message, trusting
from tests.support import (
    CLIENT_CONFIG,
    LiveServer,
    database_url,
    error_tuple,
    fresh_account,
    serve_in_thread,
    unique,
)

CONTENT = {"Simple": {"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hello"}}}}
V1_MESSAGE = {"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hello"}}}


def grant(arn: str, principal: str, **condition: Any) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": ["ses:SendEmail", "ses:SendRawEmail", "ses:SendBulkEmail"],
        "Resource": arn,
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


# a key that reads and creates only configuration sets of team "mail"
TAG_POLICY = {
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "ses:GetConfigurationSet",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "mail"}},
        },
        {
            "Effect": "Allow",
            "Action": "ses:CreateConfigurationSet",
            "Resource": "*",
            "Condition": {
                "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
                "StringEquals": {"aws:RequestTag/team": "mail"},
            },
        },
    ]
}


def sent_last_24_hours(ses: Any) -> float:
    return float(ses.get_send_quota()["SentLast24Hours"])


def test_open_mode_sends_through_an_identity_whose_policy_allows_it(
    server: LiveServer,
) -> None:
    owner, sender = fresh_account(), fresh_account()
    owner_v2 = server.client("sesv2", access_key=owner)
    domain = f"{unique('deleg')}.example.com"
    owner_v2.create_email_identity(EmailIdentity=domain)
    arn = f"arn:aws:ses:us-east-1:{owner}:identity/{domain}"
    sender_v2 = server.client("sesv2", access_key=sender)
    sender_v1 = server.client("ses", access_key=sender)
    user = f"arn:aws:iam::{sender}:user/{sender}"

    def v2_send(address: str) -> Any:
        return sender_v2.send_email(
            FromEmailAddress=address,
            FromEmailAddressIdentityArn=arn,
            Destination={"ToAddresses": ["you@example.net"]},
            Content=CONTENT,
        )

    with pytest.raises(ClientError) as v2:
        v2_send(f"news@{domain}")
    assert error_tuple(v2) == (
        "AccessDeniedException",
        f"User: {user} is not authorized to perform: ses:SendEmail on resource: {arn}",
        403,
    )
    with pytest.raises(ClientError) as v1:
        sender_v1.send_email(
            Source=f"news@{domain}",
            SourceArn=arn,
            Destination={"ToAddresses": ["you@example.net"]},
            Message=V1_MESSAGE,
        )
    assert error_tuple(v1) == (
        "AccessDenied",
        f"User `{user}' is not authorized to perform `ses:SendEmail' on resource `{arn}'",
        403,
    )
    assert sent_last_24_hours(sender_v1) == 0.0

    owner_v2.create_email_identity_policy(
        EmailIdentity=domain,
        PolicyName="partner",
        Policy=grant(arn, sender, StringLike={"ses:FromAddress": "news@*"}),
    )
    assert v2_send(f"news@{domain}")["MessageId"]
    assert sender_v1.send_email(
        Source=f"News <news@{domain}>",
        SourceArn=arn,
        Destination={"ToAddresses": ["you@example.net"]},
        Message=V1_MESSAGE,
    )["MessageId"]
    raw = EmailMessage()
    raw["From"] = f"news@{domain}"
    raw["To"] = "you@example.net"
    raw["Subject"] = "raw"
    raw["X-SES-SOURCE-ARN"] = arn
    raw.set_content("hello")
    assert sender_v1.send_raw_email(RawMessage={"Data": raw.as_bytes()})["MessageId"]
    # the Condition: only news@ may be used
    with pytest.raises(ClientError) as conditioned:
        v2_send(f"ceo@{domain}")
    assert error_tuple(conditioned)[0::2] == ("AccessDeniedException", 403)
    # the sender's quota is charged, not the owner's
    assert sent_last_24_hours(sender_v1) == 3.0
    assert sent_last_24_hours(server.client("ses", access_key=owner)) == 0.0
    # a third account is not the principal
    with pytest.raises(ClientError) as stranger:
        server.client("sesv2", access_key=fresh_account()).send_email(
            FromEmailAddress=f"news@{domain}",
            FromEmailAddressIdentityArn=arn,
            Destination={"ToAddresses": ["you@example.net"]},
            Content=CONTENT,
        )
    assert error_tuple(stranger)[0::2] == ("AccessDeniedException", 403)


def test_the_identity_must_exist_and_cover_the_address(server: LiveServer) -> None:
    owner, sender = fresh_account(), fresh_account()
    domain = f"{unique('deleg')}.example.com"
    owner_v2 = server.client("sesv2", access_key=owner)
    owner_v2.create_email_identity(EmailIdentity=domain)
    arn = f"arn:aws:ses:us-east-1:{owner}:identity/{domain}"
    owner_v2.create_email_identity_policy(
        EmailIdentity=domain, PolicyName="all", Policy=grant(arn, "*")
    )
    sender_v2 = server.client("sesv2", access_key=sender)
    cases = [
        (f"news@other-{domain}", arn, "MessageRejected"),
        (f"news@{domain}", arn.replace(domain, f"missing-{domain}"), "MessageRejected"),
        (f"news@{domain}", "not-an-arn", "BadRequestException"),
    ]
    for address, named, code in cases:
        with pytest.raises(ClientError) as raised:
            sender_v2.send_email(
                FromEmailAddress=address,
                FromEmailAddressIdentityArn=named,
                Destination={"ToAddresses": ["you@example.net"]},
                Content=CONTENT,
            )
        assert error_tuple(raised)[0::2] == (code, 400)
    assert sent_last_24_hours(server.client("ses", access_key=sender)) == 0.0


@pytest.fixture(scope="module")
def strict(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Strict mode with an owner account's key and two users' keys of a sender account;
    ``mailer`` has a key policy with a Condition."""
    tmp = tmp_path_factory.mktemp(f"delegation-{backend}")
    with database_url(backend, str(tmp)) as url:
        env = {"OPENSES_DATABASE_URL": url, "OPENSES_SECRET_KEY": "delegation tests"}
        runner = CliRunner()
        assert runner.invoke(main, ["migrate"], env=env).exit_code == 0
        key_policy = tmp / "mailer.json"
        key_policy.write_text(
            json.dumps(
                {
                    "Statement": {
                        "Effect": "Allow",
                        "Action": "ses:*",
                        "Resource": "*",
                        "Condition": {"ForAllValues:StringLike": {"ses:Recipients": "*.net"}},
                    }
                }
            )
        )
        tag_policy = tmp / "tagged.json"
        tag_policy.write_text(json.dumps(TAG_POLICY))
        made: dict[str, tuple[str, str]] = {}
        for name, account, extra in (
            ("tagged", "222222222222", ["--name", "tagged", "--policy", str(tag_policy)]),
            ("owner", "111111111111", []),
            ("mailer", "222222222222", ["--name", "mailer", "--policy", str(key_policy)]),
            ("other", "222222222222", ["--name", "other"]),
        ):
            result = runner.invoke(
                main, ["access-keys", "create", "--account", account, *extra], env=env
            )
            key = json.loads(result.stdout)["AccessKey"]
            made[name] = (key["AccessKeyId"], key["SecretAccessKey"])
        settings = Settings(
            database_url=url,
            validate_destinations=False,
            dispatch_events=False,
            auth="strict",
            admin_token="admin",
            secret_key="delegation tests",
        )
        with serve_in_thread(settings) as live:

            def client(service: str, which: str) -> Any:
                key, secret = made[which]
                return boto3.client(
                    service,
                    endpoint_url=live.url,
                    region_name="us-east-1",
                    aws_access_key_id=key,
                    aws_secret_access_key=secret,
                    config=CLIENT_CONFIG,
                )

            yield {"client": client, "live": live, "keys": made}


def test_strict_mode_grants_one_user_and_applies_its_key_policy(strict: dict[str, Any]) -> None:
    client = strict["client"]
    domain = f"{unique('strict')}.example.com"
    arn = f"arn:aws:ses:us-east-1:111111111111:identity/{domain}"
    owner = client("sesv2", "owner")
    owner.create_email_identity(EmailIdentity=domain)
    owner.create_email_identity_policy(
        EmailIdentity=domain,
        PolicyName="mailer",
        Policy=grant(arn, "arn:aws:iam::222222222222:user/mailer"),
    )

    def send(which: str, to: str) -> Any:
        return client("ses", which).send_email(
            Source=f"news@{domain}",
            SourceArn=arn,
            Destination={"ToAddresses": [to]},
            Message=V1_MESSAGE,
        )

    assert send("mailer", "you@example.net")["MessageId"]
    # the key policy's Condition: every recipient in .net
    with pytest.raises(ClientError) as by_key:
        send("mailer", "you@example.org")
    assert error_tuple(by_key) == (
        "AccessDenied",
        "User `arn:aws:iam::222222222222:user/mailer' is not authorized to perform "
        f"`ses:SendEmail' on resource `{arn}'",
        403,
    )
    # the identity's policy names one user of the account, not the other
    with pytest.raises(ClientError) as by_identity:
        send("other", "you@example.net")
    assert error_tuple(by_identity) == (
        "AccessDenied",
        "User `arn:aws:iam::222222222222:user/other' is not authorized to perform "
        f"`ses:SendEmail' on resource `{arn}'",
        403,
    )
    assert sent_last_24_hours(client("ses", "mailer")) == 1.0
    assert sent_last_24_hours(client("ses", "owner")) == 0.0


def test_smtp_sends_through_another_accounts_identity(strict: dict[str, Any]) -> None:
    client, live, keys = strict["client"], strict["live"], strict["keys"]
    domain = f"{unique('smtp')}.example.com"
    arn = f"arn:aws:ses:us-east-1:111111111111:identity/{domain}"
    owner = client("sesv2", "owner")
    owner.create_email_identity(EmailIdentity=domain)
    owner.create_email_identity_policy(
        EmailIdentity=domain,
        PolicyName="mailer",
        # SMTP is version 2, and SMTPS is secure transport
        Policy=grant(
            arn,
            "arn:aws:iam::222222222222:user/mailer",
            Bool={"aws:SecureTransport": "true"},
            StringEquals={"ses:ApiVersion": "2"},
        ),
    )
    sender = f"news@{domain}"
    before = sent_last_24_hours(client("ses", "mailer"))
    for which, expected in (
        ("mailer", None),
        (
            "other",
            "Access denied: User `arn:aws:iam::222222222222:user/other' is not authorized "
            f"to perform `ses:SendRawEmail' on resource `{arn}'",
        ),
    ):
        key, secret = keys[which]
        with smtplib.SMTP_SSL(
            "127.0.0.1", live.settings.smtps_port, context=trusting(live)
        ) as smtp:
            smtp.login(key, smtp_password(secret, "us-east-1"))
            data = message(sender, f"X-SES-SOURCE-ARN: {arn}")
            if expected is None:
                assert smtp.sendmail(sender, ["you@example.net"], data) == {}
            else:
                with pytest.raises(smtplib.SMTPDataError) as denied:
                    smtp.sendmail(sender, ["you@example.net"], data)
                assert (denied.value.smtp_code, denied.value.smtp_error) == (
                    554,
                    expected.encode(),
                )
    assert sent_last_24_hours(client("ses", "mailer")) == before + 1


def test_key_policies_read_request_and_resource_tags(strict: dict[str, Any]) -> None:
    client = strict["client"]
    tagged, other = client("sesv2", "tagged"), client("sesv2", "other")
    mine = unique("mail")
    tagged.create_configuration_set(
        ConfigurationSetName=mine, Tags=[{"Key": "team", "Value": "mail"}]
    )
    assert tagged.get_configuration_set(ConfigurationSetName=mine)["ConfigurationSetName"] == mine
    for tags in (
        [{"Key": "team", "Value": "ops"}],
        [{"Key": "team", "Value": "mail"}, {"Key": "cost", "Value": "1"}],
        [],
    ):
        refused = unique("refused")
        with pytest.raises(ClientError) as create:
            tagged.create_configuration_set(ConfigurationSetName=refused, Tags=tags)
        assert error_tuple(create)[0::2] == ("AccessDeniedException", 403)
    untagged = unique("untagged")
    other.create_configuration_set(ConfigurationSetName=untagged)
    with pytest.raises(ClientError) as get:
        tagged.get_configuration_set(ConfigurationSetName=untagged)
    resource = f"arn:aws:ses:us-east-1:222222222222:configuration-set/{untagged}"
    assert error_tuple(get) == (
        "AccessDeniedException",
        "User: arn:aws:iam::222222222222:user/tagged is not authorized to perform: "
        f"ses:GetConfigurationSet on resource: {resource}",
        403,
    )
    listed = other.list_configuration_sets()["ConfigurationSets"]
    assert mine in listed
    assert not any(name.startswith("refused-") for name in listed)


def test_an_identity_policy_reads_the_identitys_tags(server: LiveServer) -> None:
    owner, sender = fresh_account(), fresh_account()
    owner_v2 = server.client("sesv2", access_key=owner)
    domain = f"{unique('tagged')}.example.com"
    owner_v2.create_email_identity(EmailIdentity=domain, Tags=[{"Key": "shared", "Value": "no"}])
    arn = f"arn:aws:ses:us-east-1:{owner}:identity/{domain}"
    owner_v2.create_email_identity_policy(
        EmailIdentity=domain,
        PolicyName="shared",
        Policy=grant(arn, sender, StringEquals={"aws:ResourceTag/shared": "yes"}),
    )
    sender_v2 = server.client("sesv2", access_key=sender)

    def send() -> Any:
        return sender_v2.send_email(
            FromEmailAddress=f"news@{domain}",
            FromEmailAddressIdentityArn=arn,
            Destination={"ToAddresses": ["you@example.net"]},
            Content=CONTENT,
        )

    with pytest.raises(ClientError) as refused:
        send()
    assert error_tuple(refused)[0::2] == ("AccessDeniedException", 403)
    owner_v2.tag_resource(ResourceArn=arn, Tags=[{"Key": "shared", "Value": "yes"}])
    assert send()["MessageId"]


def test_a_bulk_send_refused_for_one_destination(server: LiveServer) -> None:
    owner, sender = fresh_account(), fresh_account()
    owner_v2 = server.client("sesv2", access_key=owner)
    domain = f"{unique('bulk')}.example.com"
    owner_v2.create_email_identity(EmailIdentity=domain)
    arn = f"arn:aws:ses:us-east-1:{owner}:identity/{domain}"
    owner_v2.create_email_identity_policy(
        EmailIdentity=domain,
        PolicyName="net-only",
        Policy=grant(
            arn, sender, **{"ForAllValues:StringLike": {"ses:Recipients": "*@example.net"}}
        ),
    )
    sender_v2 = server.client("sesv2", access_key=sender)
    template = unique("tpl")
    sender_v2.create_email_template(
        TemplateName=template,
        TemplateContent={"Subject": "hi", "Text": "hello"},
    )

    def bulk(*recipients: str) -> Any:
        return sender_v2.send_bulk_email(
            FromEmailAddress=f"news@{domain}",
            FromEmailAddressIdentityArn=arn,
            DefaultContent={"Template": {"TemplateName": template, "TemplateData": "{}"}},
            BulkEmailEntries=[{"Destination": {"ToAddresses": [r]}} for r in recipients],
        )

    results = bulk("a@example.net", "b@example.org")["BulkEmailEntryResults"]
    assert [r["Status"] for r in results] == ["SUCCESS", "MESSAGE_REJECTED"]
    assert results[1]["Error"] == (
        f"User `arn:aws:iam::{sender}:user/{sender}' is not authorized to perform "
        f"`ses:SendBulkEmail' on resource `{arn}'"
    )
    with pytest.raises(ClientError) as refused:
        bulk("b@example.org", "a@example.net")
    assert error_tuple(refused)[0::2] == ("AccessDeniedException", 403)
    assert sent_last_24_hours(server.client("ses", access_key=sender)) == 1.0
