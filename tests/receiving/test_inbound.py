"""Mail delivered over SMTP to openses' inbound port runs the active receipt rule set's
actions; each is asserted where it lands: the S3 object on moto, the notification on an SQS
queue subscribed to the SNS topic, the Invoke request at the Lambda stand-in, the bounce
among the captured messages."""

from __future__ import annotations

import base64
import contextlib
import json
import smtplib
import ssl
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from openses.domain.message import EICAR
from tests.events.metrics_text import sample
from tests.events.peerside import collect, eventually, topic_with_queue
from tests.peer import AwsPeer
from tests.receiving.conftest import LambdaStub
from tests.support import LiveServer, error_tuple, unique

MESSAGE = (
    "From: Alice <alice@sender.example>\r\nTo: {to}\r\nSubject: Hello inbound\r\n"
    "Message-ID: <m1@sender.example>\r\n\r\nHi there\r\n"
)


@contextlib.contextmanager
def active_rules(ses: Any, *rules: dict[str, Any]) -> Iterator[str]:
    """A rule set with ``rules`` (in order), active while the test runs."""
    name = unique("rs")
    ses.create_receipt_rule_set(RuleSetName=name)
    after = None
    for rule in rules:
        kwargs: dict[str, str] = {"After": after} if after else {}
        ses.create_receipt_rule(RuleSetName=name, Rule={"Enabled": True, **rule}, **kwargs)
        after = rule["Name"]
    ses.set_active_receipt_rule_set(RuleSetName=name)
    try:
        yield name
    finally:
        ses.set_active_receipt_rule_set()
        ses.delete_receipt_rule_set(RuleSetName=name)


def settled(server: LiveServer) -> None:
    """Wait until no receipt run is pending: the actions of the mail accepted so far ran (or
    were dead-lettered)."""
    metrics = f"{server.url}/metrics"
    eventually(
        lambda: sample(metrics, "openses_publications", kind="receipt", status="pending"),
        lambda pending: pending == 0,
        deadline=60,
    )


def send(
    server: LiveServer,
    to: list[str],
    body: str | None = None,
    *,
    starttls: bool = False,
    settle: bool = True,
) -> str:
    """Deliver a message to the inbound port; the received message's id from the reply. The
    actions run after the reply: with ``settle``, once they ran."""
    with smtplib.SMTP("127.0.0.1", server.settings.inbound_smtp_port, timeout=30) as smtp:
        if starttls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            smtp.starttls(context=context)
        smtp.ehlo("client.sender.example")
        code, reply = smtp.mail("bounces@sender.example")
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, "bounces@sender.example")
        for address in to:
            code, reply = smtp.rcpt(address)
            if code != 250:
                raise smtplib.SMTPRecipientsRefused({address: (code, reply)})
        code, reply = smtp.data((body or MESSAGE.format(to=to[0])).encode())
        assert code == 250, reply
        text = reply.decode()
        assert text.startswith("Ok ")
    if settle:
        settled(server)
    return text.removeprefix("Ok ")


def bucket(peer: AwsPeer) -> str:
    name = unique("inbox")
    peer.client("s3").create_bucket(Bucket=name)
    return name


def s3_body(peer: AwsPeer, bucket_name: str, key: str) -> bytes:
    body: bytes = peer.client("s3").get_object(Bucket=bucket_name, Key=key)["Body"].read()
    return body


def keys(peer: AwsPeer, bucket_name: str) -> list[str]:
    listed = peer.client("s3").list_objects_v2(Bucket=bucket_name)
    return [item["Key"] for item in listed.get("Contents", [])]


def notifications(peer: AwsPeer, queue_url: str, count: int) -> list[dict[str, Any]]:
    envelopes = collect(peer, queue_url, count)
    return [json.loads(envelope["Message"]) for envelope in envelopes]


def test_s3_and_sns_actions(receiving: LiveServer, ses: Any, peer: AwsPeer, domain: str) -> None:
    inbox = bucket(peer)
    topic = topic_with_queue(peer)
    rule = {
        "Name": "store-and-notify",
        "Recipients": [domain],
        "Actions": [
            {"S3Action": {"BucketName": inbox, "ObjectKeyPrefix": "mail/"}},
            {"SNSAction": {"TopicArn": topic.arn, "Encoding": "UTF-8"}},
        ],
    }
    to = f"bob@{domain}"
    with active_rules(ses, rule):
        message_id = send(receiving, [to])

    stored = s3_body(peer, inbox, f"mail/{message_id}")
    assert stored.startswith(b"Return-Path: <bounces@sender.example>\r\nReceived: from ")
    assert stored.endswith(MESSAGE.format(to=to).encode())

    [envelope] = collect(peer, topic.queue_url, 1)
    assert envelope["Subject"] == "Amazon SES Email Receipt Notification"
    notification = json.loads(envelope["Message"])
    assert notification["notificationType"] == "Received"
    assert notification["content"].encode() == stored
    mail, receipt = notification["mail"], notification["receipt"]
    assert mail["messageId"] == message_id
    assert mail["source"] == "bounces@sender.example"
    assert mail["destination"] == [to]
    assert mail["commonHeaders"]["subject"] == "Hello inbound"
    assert mail["commonHeaders"]["from"] == ["Alice <alice@sender.example>"]
    assert receipt["recipients"] == [to]
    assert receipt["action"] == {"type": "SNS", "topicArn": topic.arn, "encoding": "UTF-8"}
    assert receipt["spamVerdict"] == {"status": "DISABLED"}
    assert receipt["virusVerdict"] == {"status": "DISABLED"}


def test_sns_base64_and_scanning(
    receiving: LiveServer, ses: Any, peer: AwsPeer, domain: str
) -> None:
    topic = topic_with_queue(peer)
    rule = {
        "Name": "scan",
        "ScanEnabled": True,
        "Actions": [{"SNSAction": {"TopicArn": topic.arn, "Encoding": "Base64"}}],
    }
    to = f"carol@{domain}"
    clean = MESSAGE.format(to=to)
    infected = clean + EICAR.decode() + "\r\n"
    with active_rules(ses, rule):  # no recipients: every address
        send(receiving, [to], clean)
        send(receiving, [to], infected)
    first, second = notifications(peer, topic.queue_url, 2)
    assert base64.b64decode(first["content"]).endswith(clean.encode())
    assert first["receipt"]["virusVerdict"] == {"status": "PASS"}
    assert first["receipt"]["spamVerdict"] == {"status": "PASS"}
    assert second["receipt"]["virusVerdict"] == {"status": "FAIL"}
    assert first["receipt"]["action"]["encoding"] == "Base64"


def test_recipients_match_addresses_domains_and_subdomains(
    receiving: LiveServer, ses: Any, peer: AwsPeer, domain: str
) -> None:
    inbox = bucket(peer)
    ses.verify_email_identity(EmailAddress=f"exact@other-{domain}")  # the address alone
    rule = {
        "Name": "only-some",
        "Recipients": [f"exact@other-{domain}", domain, f".sub.{domain}"],
        "Actions": [{"S3Action": {"BucketName": inbox}}],
    }
    with active_rules(ses, rule):
        taken = [
            send(receiving, [f"exact@other-{domain}"]),
            send(receiving, [f"anyone@{domain}"]),
            send(receiving, [f"deep@a.sub.{domain}"]),
        ]
        for refused in (f"nope@other-{domain}", f"x@sub2.{domain}", f"y@sub.{domain}x"):
            with pytest.raises(smtplib.SMTPRecipientsRefused) as raised:
                send(receiving, [refused])
            assert raised.value.recipients[refused] == (
                550,
                b"5.1.1 Requested action not taken: mailbox unavailable",
            )
    assert sorted(keys(peer, inbox)) == sorted(taken)


def test_disabled_rules_and_no_active_set_refuse(
    receiving: LiveServer, ses: Any, domain: str
) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(receiving, [f"a@{domain}"])  # no active set
    with (
        active_rules(ses, {"Name": "off", "Enabled": False}),
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        send(receiving, [f"a@{domain}"])


def test_stop_action_ends_the_rule_set(
    receiving: LiveServer, ses: Any, peer: AwsPeer, domain: str
) -> None:
    first, later = bucket(peer), bucket(peer)
    topic = topic_with_queue(peer)
    with active_rules(
        ses,
        {
            "Name": "first",
            "Actions": [
                {"S3Action": {"BucketName": first}},
                {"StopAction": {"Scope": "RuleSet", "TopicArn": topic.arn}},
                {"S3Action": {"BucketName": later}},
            ],
        },
        {"Name": "second", "Actions": [{"S3Action": {"BucketName": later}}]},
    ):
        message_id = send(receiving, [f"d@{domain}"])
    assert keys(peer, first) == [message_id]
    assert keys(peer, later) == []
    [notification] = notifications(peer, topic.queue_url, 1)
    assert notification["receipt"]["action"] == {"type": "Stop", "topicArn": topic.arn}
    assert "content" not in notification


def test_add_header_reaches_later_actions(
    receiving: LiveServer, ses: Any, peer: AwsPeer, domain: str
) -> None:
    inbox = bucket(peer)
    rule = {
        "Name": "tag",
        "Actions": [
            {"AddHeaderAction": {"HeaderName": "X-Openses-Rule", "HeaderValue": "tagged"}},
            {"S3Action": {"BucketName": inbox}},
        ],
    }
    with active_rules(ses, rule):
        message_id = send(receiving, [f"e@{domain}"])
    assert s3_body(peer, inbox, message_id).startswith(b"X-Openses-Rule: tagged\r\n")


def test_lambda_actions(
    receiving: LiveServer, ses: Any, peer: AwsPeer, lambdas: LambdaStub, domain: str
) -> None:
    region, account = "us-east-1", "123456789012"
    stopper = f"arn:aws:lambda:{region}:{account}:function:{unique('stop')}"
    watcher = f"arn:aws:lambda:{region}:{account}:function:{unique('watch')}"
    lambdas.functions[stopper] = {"disposition": "STOP_RULE_SET"}
    lambdas.functions[watcher] = {}
    inbox = bucket(peer)
    with active_rules(
        ses,
        {
            "Name": "watch",
            "Actions": [{"LambdaAction": {"FunctionArn": watcher, "InvocationType": "Event"}}],
        },
        {
            "Name": "stop",
            "Actions": [
                {"LambdaAction": {"FunctionArn": stopper, "InvocationType": "RequestResponse"}},
                {"S3Action": {"BucketName": inbox}},
            ],
        },
        {"Name": "never", "Actions": [{"S3Action": {"BucketName": inbox}}]},
    ):
        message_id = send(receiving, [f"f@{domain}"])
    calls = [call for call in lambdas.invocations if call.function in (stopper, watcher)]
    assert [(c.function, c.invocation_type) for c in calls] == [
        (watcher, "Event"),
        (stopper, "RequestResponse"),
    ]
    [record] = calls[1].payload["Records"]
    assert (record["eventSource"], record["eventVersion"]) == ("aws:ses", "1.0")
    assert record["ses"]["mail"]["messageId"] == message_id
    assert record["ses"]["receipt"]["action"] == {
        "type": "Lambda",
        "functionArn": stopper,
        "invocationType": "RequestResponse",
    }
    assert keys(peer, inbox) == []  # STOP_RULE_SET: neither the rule's S3 nor the next rule


def test_rule_targets_are_checked(
    receiving: LiveServer, ses: Any, peer: AwsPeer, lambdas: LambdaStub
) -> None:
    name = unique("rs")
    ses.create_receipt_rule_set(RuleSetName=name)
    missing_topic = "arn:aws:sns:us-east-1:123456789012:" + unique("nope")
    missing_function = "arn:aws:lambda:us-east-1:123456789012:function:" + unique("nope")
    missing_bucket = unique("nope")
    cases = [
        (
            {"S3Action": {"BucketName": missing_bucket}},
            ("InvalidS3Configuration", f"Could not write to bucket: {missing_bucket}", 400),
        ),
        (
            {"SNSAction": {"TopicArn": missing_topic}},
            ("InvalidSnsTopic", f"Could not publish to SNS topic: {missing_topic}", 400),
        ),
        (
            {"LambdaAction": {"FunctionArn": missing_function}},
            ("InvalidLambdaFunction", f"Could not invoke Lambda function: {missing_function}", 400),
        ),
    ]
    for action, expected in cases:
        with pytest.raises(ClientError) as raised:
            ses.create_receipt_rule(RuleSetName=name, Rule={"Name": "r", "Actions": [action]})
        assert error_tuple(raised) == expected
    assert ses.describe_receipt_rule_set(RuleSetName=name).get("Rules", []) == []
    ses.create_receipt_rule(RuleSetName=name, Rule={"Name": "r"})
    with pytest.raises(ClientError) as raised:
        ses.update_receipt_rule(RuleSetName=name, Rule={"Name": "r", "Actions": [cases[0][0]]})
    assert error_tuple(raised) == cases[0][1]
    ses.delete_receipt_rule_set(RuleSetName=name)


def test_tls_policy_require(receiving: LiveServer, ses: Any, peer: AwsPeer, domain: str) -> None:
    inbox = bucket(peer)
    rule = {"Name": "tls", "TlsPolicy": "Require", "Actions": [{"S3Action": {"BucketName": inbox}}]}
    to = f"g@{domain}"
    with active_rules(ses, rule):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as raised:
            send(receiving, [to])
        assert raised.value.recipients[to] == (530, b"5.7.0 Must issue a STARTTLS command first")
        message_id = send(receiving, [to], starttls=True)
    assert keys(peer, inbox) == [message_id]


def test_ip_filters(receiving: LiveServer, ses: Any, domain: str) -> None:
    ses.create_receipt_filter(
        Filter={"Name": "block-loopback", "IpFilter": {"Policy": "Block", "Cidr": "127.0.0.0/8"}}
    )
    try:
        with active_rules(ses, {"Name": "all"}):
            # refused at RCPT TO: the listener takes returns too, which no IP filter holds back
            with pytest.raises(smtplib.SMTPRecipientsRefused) as raised:
                send(receiving, [f"h@{domain}"])
            assert raised.value.recipients == {f"h@{domain}": (554, b"5.7.1 Access denied")}
            # an Allow filter wins over a Block filter
            ses.create_receipt_filter(
                Filter={"Name": "allow-me", "IpFilter": {"Policy": "Allow", "Cidr": "127.0.0.1"}}
            )
            assert send(receiving, [f"h@{domain}"])
    finally:
        ses.delete_receipt_filter(FilterName="block-loopback")
        ses.delete_receipt_filter(FilterName="allow-me")


def _captured_to(server: LiveServer, address: str) -> list[dict[str, Any]]:
    listed = httpx.get(f"{server.url}/_openses/messages", params={"to": address}).json()
    return [
        httpx.get(f"{server.url}/_openses/messages/{item['messageId']}").json()
        for item in listed["messages"]
    ]


def test_bounce_action_and_send_bounce(receiving: LiveServer, ses: Any, domain: str) -> None:
    sender = f"unknown@{unique('bsrc')}.example"
    rule = {
        "Name": "bounce",
        "Actions": [
            {
                "BounceAction": {
                    "SmtpReplyCode": "550",
                    "StatusCode": "5.1.1",
                    "Message": "No such mailbox",
                    "Sender": f"mailer-daemon@{domain}",
                }
            }
        ],
    }
    body = MESSAGE.format(to=f"i@{domain}")
    port = receiving.settings.inbound_smtp_port
    with active_rules(ses, rule), smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.sendmail(sender, [f"i@{domain}"], body.encode())
    settled(receiving)
    [bounce] = _captured_to(receiving, sender)
    assert bounce["from"] == f"mailer-daemon@{domain}"
    assert bounce["subject"] == "Delivery Status Notification (Failure)"
    assert bounce["text"].startswith("No such mailbox")

    # SendBounce of a received message, to the same sender
    with active_rules(ses, {"Name": "keep"}), smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.ehlo()
        smtp.mail(sender)
        smtp.rcpt(f"j@{domain}")
        code, reply = smtp.data(body.encode())
    assert code == 250
    settled(receiving)
    original = reply.decode().removeprefix("Ok ")
    sent = ses.send_bounce(
        OriginalMessageId=original,
        BounceSender=f"postmaster@{domain}",
        Explanation="Gone away",
        MessageDsn={"ReportingMta": "dns; mx.example.com"},
        BouncedRecipientInfoList=[{"Recipient": f"j@{domain}", "BounceType": "DoesNotExist"}],
    )
    bounces = _captured_to(receiving, sender)
    assert sent["MessageId"] in [b["messageId"] for b in bounces]
    raw = httpx.get(f"{receiving.url}/_openses/messages/{sent['MessageId']}/raw").text
    assert "Reporting-MTA: dns; mx.example.com" in raw
    assert f"Final-Recipient: rfc822; j@{domain}" in raw
    assert "Status: 5.1.1" in raw

    with pytest.raises(ClientError) as raised:
        ses.send_bounce(
            OriginalMessageId="no-such-message",
            BounceSender=f"postmaster@{domain}",
            BouncedRecipientInfoList=[{"Recipient": f"j@{domain}", "BounceType": "DoesNotExist"}],
        )
    assert error_tuple(raised) == (
        "MessageRejected",
        "Could not find original message: no-such-message",
        400,
    )


def test_lambda_stop_rule_ends_only_its_rule(
    receiving: LiveServer, ses: Any, peer: AwsPeer, lambdas: LambdaStub, domain: str
) -> None:
    function = f"arn:aws:lambda:us-east-1:123456789012:function:{unique('rule')}"
    lambdas.functions[function] = {"disposition": "STOP_RULE"}
    skipped, reached = bucket(peer), bucket(peer)
    with active_rules(
        ses,
        {
            "Name": "first",
            "Actions": [
                {"LambdaAction": {"FunctionArn": function, "InvocationType": "RequestResponse"}},
                {"S3Action": {"BucketName": skipped}},
            ],
        },
        {"Name": "second", "Actions": [{"S3Action": {"BucketName": reached}}]},
    ):
        message_id = send(receiving, [f"k@{domain}"])
    assert keys(peer, skipped) == []
    assert keys(peer, reached) == [message_id]


def test_unreadable_mail_is_received(
    receiving: LiveServer, ses: Any, peer: AwsPeer, domain: str
) -> None:
    """NUL and bytes that are no UTF-8 in the headers: stored as they came, no failure."""
    inbox = bucket(peer)
    body = b"From: a@b.example\r\nSubject: bad \x00 \xff\xfe bytes\r\n\r\nbody\r\n"
    rule = {"Name": "all", "Actions": [{"S3Action": {"BucketName": inbox}}]}
    port = receiving.settings.inbound_smtp_port
    with active_rules(ses, rule), smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.ehlo()
        smtp.mail("a@b.example")
        smtp.rcpt(f"l@{domain}")
        code, reply = smtp.data(body)
    assert code == 250
    settled(receiving)
    message_id = reply.decode().removeprefix("Ok ")
    assert s3_body(peer, inbox, message_id).endswith(body)


def test_mail_over_150_kb_bounces_with_an_sns_action(
    receiving: LiveServer, ses: Any, peer: AwsPeer, domain: str
) -> None:
    """SNSAction: mail over 150 KB (header included) bounces; S3 takes any size."""
    inbox, topic = bucket(peer), topic_with_queue(peer)
    big = MESSAGE.format(to=f"big@{domain}") + ("x" * 900 + "\r\n") * 171
    port = receiving.settings.inbound_smtp_port
    notify = {"Name": "notify", "Actions": [{"SNSAction": {"TopicArn": topic.arn}}]}
    with active_rules(ses, {"Name": "store", "Actions": [{"S3Action": {"BucketName": inbox}}]}):
        kept = send(receiving, [f"big@{domain}"], big)
    with active_rules(ses, notify), smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        smtp.ehlo()
        smtp.mail("bounces@sender.example")
        smtp.rcpt(f"big@{domain}")
        assert smtp.data(big.encode()) == (
            552,
            b"5.3.4 Message too large for the SNS action (150 KB)",
        )
        smtp.rset()
        smtp.mail("bounces@sender.example")
        smtp.rcpt(f"small@{domain}")
        code, _ = smtp.data(MESSAGE.format(to=f"small@{domain}").encode())
        assert code == 250
    settled(receiving)
    assert keys(peer, inbox) == [kept]
    (notification,) = notifications(peer, topic.queue_url, 1)
    assert notification["mail"]["destination"] == [f"small@{domain}"]
