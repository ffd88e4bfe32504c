"""Identity notifications through the wire: the v1 settings operations, their v2 twins, and
what a send leaves in the outbox (SNS publications) and among the captured messages (forwarded
feedback)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine, select

from openses.config import Settings
from openses.events import dispatcher
from openses.events.metrics import PublicationMetrics
from openses.store.database import make_engine
from openses.store.tables import publications
from tests.peer import AwsPeer, aws_peer
from tests.support import LiveServer, database_url, serve_in_thread, unique

SIM = "simulator.amazonses.com"
SIMULATED = ("bounce", "complaint", "success")
ACCOUNT = "123456789012"
DEFAULTS = {
    "ForwardingEnabled": True,
    "HeadersInBounceNotificationsEnabled": False,
    "HeadersInComplaintNotificationsEnabled": False,
    "HeadersInDeliveryNotificationsEnabled": False,
}


@pytest.fixture(scope="module")
def database(server: LiveServer) -> Iterator[Engine]:
    """Read-only access to the server's own database, to check the outbox rows it wrote."""
    engine = make_engine(server.settings.database_url)
    yield engine
    engine.dispose()


def sns_publications(database: Engine, **where: str | None) -> list[dict[str, Any]]:
    query = select(publications).where(publications.c.kind == "sns").order_by(publications.c.id)
    for column, value in where.items():
        query = query.where(publications.c[column] == value)
    with database.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def topic(name: str) -> str:
    return f"arn:aws:sns:us-east-1:{ACCOUNT}:{name}"


@pytest.fixture
def domain(ses: Any) -> Iterator[str]:
    name = f"{unique('n')}.example.com"
    ses.verify_domain_identity(Domain=name)
    yield name
    ses.delete_identity(Identity=name)


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = raised.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def attributes(ses: Any, *names: str) -> dict[str, Any]:
    result: dict[str, Any] = ses.get_identity_notification_attributes(Identities=list(names))[
        "NotificationAttributes"
    ]
    return result


# -- settings ---------------------------------------------------------------------------------


def test_defaults_and_unknown_identities_left_out(ses: Any, domain: str) -> None:
    address = f"someone@{domain}"
    ses.verify_email_identity(EmailAddress=address)
    assert attributes(ses, domain, address, f"nobody@{unique('x')}.example.com") == {
        domain: DEFAULTS,
        address: DEFAULTS,
    }


def test_set_and_clear_topics(ses: Any, domain: str) -> None:
    bounces, complaints, deliveries_topic = topic(unique("b")), topic(unique("c")), topic("d")
    ses.set_identity_notification_topic(
        Identity=domain, NotificationType="Bounce", SnsTopic=bounces
    )
    ses.set_identity_notification_topic(
        Identity=domain, NotificationType="Complaint", SnsTopic=complaints
    )
    ses.set_identity_notification_topic(
        Identity=domain, NotificationType="Delivery", SnsTopic=deliveries_topic
    )
    assert attributes(ses, domain) == {
        domain: {
            "BounceTopic": bounces,
            "ComplaintTopic": complaints,
            "DeliveryTopic": deliveries_topic,
            **DEFAULTS,
        }
    }
    ses.set_identity_notification_topic(Identity=domain, NotificationType="Complaint")
    ses.set_identity_notification_topic(Identity=domain, NotificationType="Delivery")
    assert attributes(ses, domain) == {domain: {"BounceTopic": bounces, **DEFAULTS}}


def test_setting_a_topic_publishes_the_confirmation(
    ses: Any, domain: str, database: Engine
) -> None:
    arn = topic(unique("confirm"))
    ses.set_identity_notification_topic(Identity=domain, NotificationType="Bounce", SnsTopic=arn)
    # the same topic again is no new subscription
    ses.set_identity_notification_topic(Identity=domain, NotificationType="Bounce", SnsTopic=arn)
    rows = [r for r in sns_publications(database) if r["target"]["topic_arn"] == arn]
    assert [(r["target"], r["payload"], r["message_id"]) for r in rows] == [
        (
            {"topic_arn": arn, "notification": True},
            {
                "notificationType": "AmazonSnsSubscriptionSucceeded",
                "message": f"You have successfully subscribed your Amazon SNS topic '{arn}' to "
                f"receive 'Bounce' notifications from Amazon SES for identity '{domain}'.",
            },
            None,
        )
    ]


def test_headers_in_notifications(ses: Any, domain: str) -> None:
    ses.set_identity_headers_in_notifications_enabled(
        Identity=domain, NotificationType="Bounce", Enabled=True
    )
    ses.set_identity_headers_in_notifications_enabled(
        Identity=domain, NotificationType="Delivery", Enabled=True
    )
    ses.set_identity_headers_in_notifications_enabled(
        Identity=domain, NotificationType="Delivery", Enabled=False
    )
    assert attributes(ses, domain) == {
        domain: {**DEFAULTS, "HeadersInBounceNotificationsEnabled": True}
    }


def test_forwarding_can_only_be_disabled_with_both_topics(
    ses: Any, sesv2: Any, domain: str
) -> None:
    with pytest.raises(ClientError) as raised:
        ses.set_identity_feedback_forwarding_enabled(Identity=domain, ForwardingEnabled=False)
    assert error_of(raised) == (
        "InvalidParameterValue",
        "Feedback forwarding can only be disabled when Amazon SNS topics are specified for both "
        "bounces and complaints.",
        400,
    )
    bounces, complaints = topic(unique("b")), topic(unique("c"))
    ses.set_identity_notification_topic(
        Identity=domain, NotificationType="Bounce", SnsTopic=bounces
    )
    with pytest.raises(ClientError):
        ses.set_identity_feedback_forwarding_enabled(Identity=domain, ForwardingEnabled=False)
    ses.set_identity_notification_topic(
        Identity=domain, NotificationType="Complaint", SnsTopic=complaints
    )
    ses.set_identity_feedback_forwarding_enabled(Identity=domain, ForwardingEnabled=False)
    assert attributes(ses, domain)[domain]["ForwardingEnabled"] is False
    assert sesv2.get_email_identity(EmailIdentity=domain)["FeedbackForwardingStatus"] is False
    # taking a feedback topic away turns forwarding back on
    ses.set_identity_notification_topic(Identity=domain, NotificationType="Bounce")
    assert attributes(ses, domain) == {domain: {"ComplaintTopic": complaints, **DEFAULTS}}


def test_v2_feedback_attributes(sesv2: Any, ses: Any, domain: str) -> None:
    assert sesv2.get_email_identity(EmailIdentity=domain)["FeedbackForwardingStatus"] is True
    sesv2.put_email_identity_feedback_attributes(EmailIdentity=domain, EmailForwardingEnabled=False)
    assert sesv2.get_email_identity(EmailIdentity=domain)["FeedbackForwardingStatus"] is False
    assert attributes(ses, domain) == {domain: {**DEFAULTS, "ForwardingEnabled": False}}
    sesv2.put_email_identity_feedback_attributes(EmailIdentity=domain, EmailForwardingEnabled=True)
    assert sesv2.get_email_identity(EmailIdentity=domain)["FeedbackForwardingStatus"] is True


def test_unknown_identity(ses: Any, sesv2: Any) -> None:
    name = f"{unique('ghost')}.example.com"
    message = f"Identity {name} is invalid. Must be a verified email address or domain."
    calls: list[Callable[[], Any]] = [
        lambda: ses.set_identity_notification_topic(
            Identity=name, NotificationType="Bounce", SnsTopic=topic("x")
        ),
        lambda: ses.set_identity_feedback_forwarding_enabled(Identity=name, ForwardingEnabled=True),
        lambda: ses.set_identity_headers_in_notifications_enabled(
            Identity=name, NotificationType="Complaint", Enabled=True
        ),
    ]
    for call in calls:
        with pytest.raises(ClientError) as raised:
            call()
        assert error_of(raised) == ("InvalidParameterValue", message, 400)
    with pytest.raises(ClientError) as raised:
        sesv2.put_email_identity_feedback_attributes(
            EmailIdentity=name, EmailForwardingEnabled=True
        )
    assert error_of(raised) == ("BadRequestException", message, 400)


def test_unknown_notification_type(unchecked_ses: Any, domain: str) -> None:
    with pytest.raises(ClientError) as raised:
        unchecked_ses.set_identity_notification_topic(
            Identity=domain, NotificationType="bounce", SnsTopic=topic("x")
        )
    assert error_of(raised) == (
        "ValidationError",
        "1 validation error detected: Value 'bounce' at 'notificationType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [Bounce, Complaint, Delivery]",
        400,
    )


@pytest.mark.parametrize(
    "value",
    [
        "my-topic",
        "arn:aws:sns:us-east-1:123:my-topic",
        "arn:aws:sqs:us-east-1:123456789012:my-queue",
        f"arn:aws:sns:us-east-1:{ACCOUNT}:",
        f"arn:aws:sns:us-east-1:{ACCOUNT}:bad name",
    ],
)
def test_a_topic_that_is_not_an_sns_topic_arn_is_refused(
    ses: Any, domain: str, database: Engine, value: str
) -> None:
    ses.set_identity_notification_topic(
        Identity=domain, NotificationType="Bounce", SnsTopic=topic("kept")
    )
    with pytest.raises(ClientError) as raised:
        ses.set_identity_notification_topic(
            Identity=domain, NotificationType="Bounce", SnsTopic=value
        )
    assert error_of(raised) == (
        "InvalidParameterValue",
        f"SNS topic {value} is not a valid topic ARN.",
        400,
    )
    # Nothing changed: the old topic stays, and nothing was enqueued for the bad value.
    assert attributes(ses, domain) == {domain: {**DEFAULTS, "BounceTopic": topic("kept")}}
    assert [r["target"]["topic_arn"] for r in sns_publications(database)].count(value) == 0


def test_topic_arns_of_every_partition_and_fifo_topics_are_accepted(ses: Any, domain: str) -> None:
    for arn in (
        "arn:aws-cn:sns:cn-north-1:123456789012:t",
        "arn:aws-us-gov:sns:us-gov-west-1:123456789012:t_1-2",
        f"arn:aws:sns:us-east-1:{ACCOUNT}:orders.fifo",
    ):
        ses.set_identity_notification_topic(
            Identity=domain, NotificationType="Bounce", SnsTopic=arn
        )
        assert attributes(ses, domain)[domain]["BounceTopic"] == arn
    # No topic at all still clears it.
    ses.set_identity_notification_topic(Identity=domain, NotificationType="Bounce")
    assert attributes(ses, domain) == {domain: DEFAULTS}


# -- what a send produces ---------------------------------------------------------------------


def send(ses: Any, source: str, to: list[str], **extra: Any) -> str:
    return str(
        ses.send_email(
            Source=source,
            Destination={"ToAddresses": to},
            Message={"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "body"}}},
            **extra,
        )["MessageId"]
    )


def with_all_topics(ses: Any, identity: str) -> dict[str, str]:
    topics = {kind: topic(unique(kind.lower())) for kind in ("Bounce", "Complaint", "Delivery")}
    for kind, arn in topics.items():
        ses.set_identity_notification_topic(Identity=identity, NotificationType=kind, SnsTopic=arn)
    return topics


def expected_mail(
    source: str, domain: str, message_id: str, to: list[str], at: str
) -> dict[str, Any]:
    return {
        "timestamp": at,
        "source": source,
        "sourceArn": f"arn:aws:ses:us-east-1:{ACCOUNT}:identity/{domain}",
        "sourceIp": "127.0.0.1",
        "sendingAccountId": ACCOUNT,
        "callerIdentity": "test",
        "messageId": message_id,
        "destination": to,
    }


def test_bounce_complaint_and_delivery_notifications(
    ses: Any, domain: str, database: Engine
) -> None:
    topics = with_all_topics(ses, domain)
    source = f"sender@{domain}"

    bounced = send(ses, source, [f"bounce@{SIM}"])
    [row] = sns_publications(database, message_id=bounced)
    payload = row["payload"]
    assert (row["target"], row["configuration_set"], row["destination_name"]) == (
        {"topic_arn": topics["Bounce"], "notification": True},
        None,
        None,
    )
    assert payload == {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [
                {
                    "emailAddress": f"bounce@{SIM}",
                    "action": "failed",
                    "status": "5.1.1",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                }
            ],
            "timestamp": payload["bounce"]["timestamp"],
            "feedbackId": payload["bounce"]["feedbackId"],
            "reportingMTA": "dsn; smtp-out.openses.local",
            "remoteMtaIp": "127.0.0.1",
        },
        "mail": expected_mail(
            source, domain, bounced, [f"bounce@{SIM}"], payload["mail"]["timestamp"]
        ),
    }

    complained = send(ses, source, [f"complaint@{SIM}"])
    rows = sns_publications(database, message_id=complained)
    assert [r["target"]["topic_arn"] for r in rows] == [topics["Delivery"], topics["Complaint"]]
    delivery, complaint = rows[0]["payload"], rows[1]["payload"]
    mail = expected_mail(
        source, domain, complained, [f"complaint@{SIM}"], delivery["mail"]["timestamp"]
    )
    assert delivery == {
        "notificationType": "Delivery",
        "delivery": {
            "timestamp": delivery["delivery"]["timestamp"],
            "processingTimeMillis": delivery["delivery"]["processingTimeMillis"],
            "recipients": [f"complaint@{SIM}"],
            "smtpResponse": "250 2.6.0 Message received",
            "reportingMTA": "smtp-out.openses.local",
            "remoteMtaIp": "127.0.0.1",
        },
        "mail": mail,
    }
    complaint_body = complaint["complaint"]
    assert complaint == {
        "notificationType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": f"complaint@{SIM}"}],
            "timestamp": complaint_body["timestamp"],
            "feedbackId": complaint_body["feedbackId"],
            "userAgent": "openses mailbox simulator",
            "complaintFeedbackType": "abuse",
            "arrivalDate": complaint_body["arrivalDate"],
        },
        "mail": mail,
    }


def test_headers_only_where_enabled(ses: Any, domain: str, database: Engine) -> None:
    topics = with_all_topics(ses, domain)
    ses.set_identity_headers_in_notifications_enabled(
        Identity=domain, NotificationType="Delivery", Enabled=True
    )
    source = f"sender@{domain}"
    message_id = send(ses, source, [f"complaint@{SIM}"])
    rows = {
        r["target"]["topic_arn"]: r["payload"]
        for r in sns_publications(database, message_id=message_id)
    }
    delivered, complained = rows[topics["Delivery"]]["mail"], rows[topics["Complaint"]]["mail"]
    assert delivered["messageId"] == complained["messageId"] == message_id
    assert delivered["headersTruncated"] is False
    assert delivered["commonHeaders"] == {
        "from": [source],
        "to": [f"complaint@{SIM}"],
        "messageId": message_id,
        "subject": "Hello",
    }
    assert delivered["headers"] == [
        {"name": "From", "value": source},
        {"name": "To", "value": f"complaint@{SIM}"},
        {"name": "Subject", "value": "Hello"},
        {"name": "MIME-Version", "value": "1.0"},
        {"name": "Content-Type", "value": 'text/plain; charset="utf-8"'},
        {"name": "Content-Transfer-Encoding", "value": "7bit"},
    ]
    assert complained == expected_mail(
        source, domain, message_id, [f"complaint@{SIM}"], complained["timestamp"]
    )


def test_no_topics_no_notifications(ses: Any, domain: str, database: Engine) -> None:
    message_id = send(ses, f"sender@{domain}", [f"bounce@{SIM}", f"success@{SIM}"])
    assert sns_publications(database, message_id=message_id) == []


def test_address_identity_settings_win_over_its_domain(
    ses: Any, domain: str, database: Engine
) -> None:
    with_all_topics(ses, domain)
    address = f"own@{domain}"
    ses.verify_email_identity(EmailAddress=address)
    own = topic(unique("own"))
    ses.set_identity_notification_topic(Identity=address, NotificationType="Bounce", SnsTopic=own)
    message_id = send(ses, address, [f"bounce@{SIM}", f"success@{SIM}"])
    rows = sns_publications(database, message_id=message_id)
    assert [(r["target"]["topic_arn"], r["payload"]["notificationType"]) for r in rows] == [
        (own, "Bounce")
    ]
    assert rows[0]["payload"]["mail"]["sourceArn"] == (
        f"arn:aws:ses:us-east-1:{ACCOUNT}:identity/{address}"
    )


def test_notifications_come_with_a_configuration_set_too(
    ses: Any, sesv2: Any, domain: str, database: Engine
) -> None:
    topics = with_all_topics(ses, domain)
    name = unique("cs")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    try:
        message_id = send(ses, f"sender@{domain}", [f"success@{SIM}"], ConfigurationSetName=name)
    finally:
        sesv2.delete_configuration_set(ConfigurationSetName=name)
    rows = sns_publications(database, message_id=message_id)
    assert [r["target"]["topic_arn"] for r in rows] == [topics["Delivery"]]


# -- feedback forwarding ----------------------------------------------------------------------


def messages_to(server: LiveServer, to: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.url}/_openses/messages", params={"to": to})
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


def test_bounces_and_complaints_are_forwarded_to_the_sender(
    server: LiveServer, ses: Any, domain: str
) -> None:
    source = f"sender@{domain}"
    send(ses, source, [f"bounce@{SIM}"])
    send(ses, source, [f"complaint@{SIM}"])
    send(ses, source, [f"success@{SIM}"])
    forwarded = messages_to(server, source)
    assert [
        (m["from"], m["destination"], m["subject"], m["status"], m["configurationSet"])
        for m in forwarded
    ] == [
        (
            "complaints@email-abuse.amazonses.com",
            {"to": [source], "cc": [], "bcc": []},
            "Complaint notification",
            "forwarded",
            None,
        ),
        (
            "MAILER-DAEMON@amazonses.com",
            {"to": [source], "cc": [], "bcc": []},
            "Delivery Status Notification (Failure)",
            "forwarded",
            None,
        ),
    ]
    raw = httpx.get(f"{server.url}/_openses/messages/{forwarded[1]['messageId']}/raw").text
    assert f"Final-Recipient: rfc822; bounce@{SIM}" in raw.splitlines()
    assert "Diagnostic-Code: smtp; 550 5.1.1 user unknown" in raw.splitlines()


def test_forwarding_goes_to_the_return_path(server: LiveServer, ses: Any, domain: str) -> None:
    source = f"sender@{domain}"
    return_path = f"{unique('bounces')}@{domain}"
    raw = (
        f"From: {source}\r\nTo: bounce@{SIM}\r\nReturn-Path: <{return_path}>\r\n"
        "Subject: raw\r\n\r\nbody\r\n"
    )
    ses.send_raw_email(RawMessage={"Data": raw.encode()})
    assert [m["subject"] for m in messages_to(server, return_path)] == [
        "Delivery Status Notification (Failure)"
    ]


def test_no_forwarding_when_disabled(server: LiveServer, ses: Any, domain: str) -> None:
    with_all_topics(ses, domain)
    ses.set_identity_feedback_forwarding_enabled(Identity=domain, ForwardingEnabled=False)
    source = f"sender@{domain}"
    send(ses, source, [f"bounce@{SIM}"])
    send(ses, source, [f"complaint@{SIM}"])
    assert messages_to(server, source) == []


def test_forwarded_reports_use_no_quota(ses: Any, domain: str) -> None:
    before = ses.get_send_quota()["SentLast24Hours"]
    send(ses, f"sender@{domain}", [f"bounce@{SIM}"])
    assert ses.get_send_quota()["SentLast24Hours"] == before + 1


# -- end to end: SNS topic -> SQS queue at the moto peer ----------------------------------------


@pytest.fixture(scope="module")
def peer() -> Iterator[AwsPeer]:
    with aws_peer() as started:
        yield started


@pytest.fixture(scope="module")
def peer_server(
    backend: str, peer: AwsPeer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A server of its own, publishing to the peer, so no other test's outbox rows go there."""
    with database_url(backend, str(tmp_path_factory.mktemp("notify"))) as url:
        settings = Settings(
            database_url=url, aws_endpoint_url=peer.url, validate_destinations=False
        )
        with serve_in_thread(settings) as live:
            yield live


def subscribed_queue(peer: AwsPeer) -> tuple[str, str]:
    sns, sqs = peer.client("sns"), peer.client("sqs")
    topic_arn = sns.create_topic(Name=unique("feedback"))["TopicArn"]
    queue_url = sqs.create_queue(QueueName=unique("feedback"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return topic_arn, queue_url


def drain(peer: AwsPeer, server: LiveServer, queue_url: str, count: int) -> list[dict[str, Any]]:
    """Dispatch the outbox and collect ``count`` SNS envelopes from the queue. The deadline
    only stops a broken run from hanging; nothing here measures time."""
    engine = make_engine(server.settings.database_url)
    relay = dispatcher.build(engine, server.settings, PublicationMetrics(CollectorRegistry()))
    sqs = peer.client("sqs")
    received: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    try:
        while len(received) < count and time.monotonic() < deadline:
            relay.run_once()
            answer = sqs.receive_message(
                QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
            )
            for message in answer.get("Messages", []):
                received.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    finally:
        relay.close()
        engine.dispose()
    return received


def test_notifications_arrive_at_the_subscribed_queue(
    peer: AwsPeer, peer_server: LiveServer
) -> None:
    ses = peer_server.client("ses")
    domain = f"{unique('e2e')}.example.com"
    ses.verify_domain_identity(Domain=domain)
    topic_arn, queue_url = subscribed_queue(peer)
    for kind in ("Bounce", "Complaint", "Delivery"):
        ses.set_identity_notification_topic(
            Identity=domain, NotificationType=kind, SnsTopic=topic_arn
        )
    source = f"sender@{domain}"
    sent = {local: send(ses, source, [f"{local}@{SIM}"]) for local in SIMULATED}

    envelopes = drain(peer, peer_server, queue_url, count=7)
    assert {(e["Type"], e["TopicArn"], "Subject" in e) for e in envelopes} == {
        ("Notification", topic_arn, False)
    }
    bodies = [json.loads(e["Message"]) for e in envelopes]
    confirmations = sorted(b["message"] for b in bodies if "message" in b)
    assert confirmations == [
        f"You have successfully subscribed your Amazon SNS topic '{topic_arn}' to receive "
        f"'{kind}' notifications from Amazon SES for identity '{domain}'."
        for kind in ("Bounce", "Complaint", "Delivery")
    ]
    notified = sorted(
        (b["mail"]["messageId"], b["notificationType"]) for b in bodies if "mail" in b
    )
    assert notified == sorted(
        [
            (sent["bounce"], "Bounce"),
            (sent["complaint"], "Delivery"),
            (sent["complaint"], "Complaint"),
            (sent["success"], "Delivery"),
        ]
    )
    engine = make_engine(peer_server.settings.database_url)
    try:
        stored = {
            (r["payload"]["mail"]["messageId"], r["payload"]["notificationType"]): r["payload"]
            for message_id in sent.values()
            for r in sns_publications(engine, message_id=message_id)
        }
    finally:
        engine.dispose()
    for body in bodies:
        if "mail" in body:
            assert body == stored[(body["mail"]["messageId"], body["notificationType"])]
