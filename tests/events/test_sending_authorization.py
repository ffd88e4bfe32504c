"""A send through another account's identity (issue 18): its events go to the sender's
configuration set and carry the identity's ARN; the identity owner's notification topics hear
of its delivery (DG sending-authorization-overview.md)."""

from __future__ import annotations

import json

from tests.events.peerside import collect, topic_with_queue
from tests.peer import AwsPeer
from tests.support import LiveServer, fresh_account, unique


def test_events_go_to_the_senders_set_and_notifications_to_the_owner(
    publishing: LiveServer, peer: AwsPeer
) -> None:
    owner, sender = fresh_account(), fresh_account()
    owner_v2 = publishing.client("sesv2", access_key=owner)
    domain = f"{unique('deleg')}.example.com"
    owner_v2.create_email_identity(EmailIdentity=domain)
    arn = f"arn:aws:ses:us-east-1:{owner}:identity/{domain}"
    owner_v2.create_email_identity_policy(
        EmailIdentity=domain,
        PolicyName="partner",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{sender}:root"},
                        "Action": "ses:SendEmail",
                        "Resource": arn,
                    }
                ],
            }
        ),
    )
    owner_topic = topic_with_queue(peer)
    publishing.client("ses", access_key=owner).set_identity_notification_topic(
        Identity=domain, NotificationType="Delivery", SnsTopic=owner_topic.arn
    )
    sender_v2 = publishing.client("sesv2", access_key=sender)
    set_name = unique("deleg")
    sender_v2.create_configuration_set(ConfigurationSetName=set_name)
    sender_topic = topic_with_queue(peer)
    sender_v2.create_configuration_set_event_destination(
        ConfigurationSetName=set_name,
        EventDestinationName="sns",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "DELIVERY"],
            "SnsDestination": {"TopicArn": sender_topic.arn},
        },
    )
    message_id = sender_v2.send_email(
        FromEmailAddress=f"news@{domain}",
        FromEmailAddressIdentityArn=arn,
        Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
        Content={"Simple": {"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hello"}}}},
        ConfigurationSetName=set_name,
    )["MessageId"]
    # the sender's set: the destination's validation message (text), then the two events
    received = [e["Message"] for e in collect(peer, sender_topic.queue_url, 3)]
    events = [json.loads(text) for text in received if text.startswith("{")]
    assert sorted(e["eventType"] for e in events) == ["Delivery", "Send"]
    for event in events:
        mail = event["mail"]
        assert (mail["messageId"], mail["sendingAccountId"], mail["sourceArn"]) == (
            message_id,
            sender,
            arn,
        )
    # the owner's identity topic: its confirmation, then the delivery notification
    notes = [e["Message"] for e in collect(peer, owner_topic.queue_url, 2)]
    deliveries = [
        json.loads(text)
        for text in notes
        if text.startswith("{") and json.loads(text).get("notificationType") == "Delivery"
    ]
    assert [d["mail"]["messageId"] for d in deliveries] == [message_id]
