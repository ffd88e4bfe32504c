"""List management through the wire (issue 20): a list-managed send carries SES's
List-Unsubscribe headers and unsubscribe URL, the one-click POST a mail client sends updates the
contact, and the Subscription event lands on an SQS queue subscribed to the set's SNS topic at
the moto peer; a contact who unsubscribed is not sent to."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from email import message_from_bytes
from typing import Any

from openses.services.outcomes import UNSUBSCRIBED
from tests.events.peerside import collect, topic_with_queue
from tests.events_schema import schema_errors
from tests.peer import AwsPeer
from tests.support import LiveServer, authorization, unique

REGION = "ap-south-1"  # a region of its own: one contact list per account and region
NEWS = {"TopicName": "news", "DisplayName": "Weekly news", "DefaultSubscriptionStatus": "OPT_IN"}
OFFERS = {"TopicName": "offers", "DisplayName": "Offers", "DefaultSubscriptionStatus": "OPT_OUT"}
PLACEHOLDER = "{{amazonSESUnsubscribeUrl}}"


def _http(
    url: str,
    *,
    data: bytes | None = None,
    content_type: str | None = None,
    region: str | None = None,
) -> tuple[int, bytes]:
    """``region``: read /_openses as the default account in that region (it is per region)."""
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if content_type:
        request.add_header("Content-Type", content_type)
    if region:
        request.add_header("Authorization", authorization("test", region))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _raw(server: LiveServer, message_id: str, region: str = REGION) -> Any:
    status, body = _http(f"{server.url}/_openses/messages/{message_id}/raw", region=region)
    assert status == 200
    return message_from_bytes(body)


def test_one_click_unsubscribe_emits_a_subscription_event(
    publishing: LiveServer, peer: AwsPeer
) -> None:
    sesv2 = publishing.client("sesv2", region=REGION)
    domain = f"{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    set_name = unique("lists")
    sesv2.create_configuration_set(ConfigurationSetName=set_name)
    topic = topic_with_queue(peer)
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=set_name,
        EventDestinationName="subscriptions",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SUBSCRIPTION", "BOUNCE"],
            "SnsDestination": {"TopicArn": topic.arn},
        },
    )
    collect(peer, topic.queue_url, 1)  # SES's validation message
    sesv2.create_contact_list(ContactListName="letters", Topics=[NEWS, OFFERS])
    recipient = f"{unique('r')}@example.net"
    text = f"Hello. Leave: {PLACEHOLDER} or {PLACEHOLDER} but not {PLACEHOLDER}"

    def send() -> str:
        return str(
            sesv2.send_email(
                FromEmailAddress=f"news@{domain}",
                Destination={"ToAddresses": [recipient]},
                ConfigurationSetName=set_name,
                Content={
                    "Simple": {
                        "Subject": {"Data": "News"},
                        "Body": {"Text": {"Data": text}},
                        "Headers": [{"Name": "List-Unsubscribe", "Value": "<mailto:x@y.z>"}],
                    }
                },
                ListManagementOptions={"ContactListName": "letters", "TopicName": "news"},
            )["MessageId"]
        )

    message_id = send()
    mail = _raw(publishing, message_id)
    header = mail.get_all("List-Unsubscribe")
    assert len(header) == 1
    match = re.fullmatch(r"<(http://[^>]+/_openses/u/[A-Za-z0-9_-]+)>", header[0])
    assert match is not None
    url = match.group(1)
    # the link names openses' public URL; the test's server listens on a port of its own
    local = publishing.url + url[url.index("/_openses/u/") :]
    assert mail.get_all("List-Unsubscribe-Post") == ["List-Unsubscribe=One-Click"]
    body = mail.get_payload(decode=True).decode()
    assert body.strip() == f"Hello. Leave: {url} or {url} but not {PLACEHOLDER}"
    # the recipient became a contact, with the topics' defaults
    contact = sesv2.get_contact(ContactListName="letters", EmailAddress=recipient)
    assert (contact["TopicPreferences"], contact["UnsubscribeAll"]) == ([], False)

    status, page = _http(local)
    assert status == 200
    assert b"Weekly news" in page
    assert b"name='topic:news' value='OPT_IN' checked" in page

    # RFC 8058: what a mail client POSTs for the one-click header
    status, _ = _http(
        local, data=b"List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert status == 200
    contact = sesv2.get_contact(ContactListName="letters", EmailAddress=recipient)
    assert contact["TopicPreferences"] == [{"TopicName": "news", "SubscriptionStatus": "OPT_OUT"}]
    assert contact["UnsubscribeAll"] is False

    envelopes = collect(peer, topic.queue_url, 1)
    events = [json.loads(envelope["Message"]) for envelope in envelopes]
    assert [event["eventType"] for event in events] == ["Subscription"]
    event = events[0]
    assert schema_errors(event) == []
    assert event["mail"]["messageId"] == message_id
    subscription = dict(event["subscription"])
    subscription.pop("timestamp")
    assert subscription == {
        "contactList": "letters",
        "source": "UnsubscribeHeader",
        "oldTopicPreferences": {
            "unsubscribeAll": False,
            "topicSubscriptionStatus": [
                {"topicName": "news", "subscriptionStatus": "OptIn"},
                {"topicName": "offers", "subscriptionStatus": "OptOut"},
            ],
        },
        "newTopicPreferences": {
            "unsubscribeAll": False,
            "topicSubscriptionStatus": [
                {"topicName": "news", "subscriptionStatus": "OptOut"},
                {"topicName": "offers", "subscriptionStatus": "OptOut"},
            ],
        },
    }

    # unsubscribed from the topic: the next send to it bounces instead of going out
    second = send()
    events = [json.loads(e["Message"]) for e in collect(peer, topic.queue_url, 1)]
    assert [(e["eventType"], e["mail"]["messageId"]) for e in events] == [("Bounce", second)]
    assert events[0]["bounce"]["bouncedRecipients"] == [
        {
            "emailAddress": recipient,
            "action": "failed",
            "status": "5.1.1",
            "diagnosticCode": UNSUBSCRIBED,
        }
    ]
    status, _ = _http(f"{publishing.url}/_openses/messages/{second}/raw", region=REGION)
    assert status == 404

    # the landing page's form, sent as multipart/form-data: out of all
    boundary = "----openses"
    form = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="unsubscribeAll"\r\n\r\ntrue\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="topic:offers"\r\n\r\nOPT_IN\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    status, _ = _http(local, data=form, content_type=f"multipart/form-data; boundary={boundary}")
    assert status == 200
    contact = sesv2.get_contact(ContactListName="letters", EmailAddress=recipient)
    assert contact["UnsubscribeAll"] is True
    assert contact["TopicPreferences"] == [
        {"TopicName": "news", "SubscriptionStatus": "OPT_OUT"},
        {"TopicName": "offers", "SubscriptionStatus": "OPT_IN"},
    ]
    events = [json.loads(e["Message"]) for e in collect(peer, topic.queue_url, 1)]
    assert [(e["eventType"], e["subscription"]["source"]) for e in events] == [
        ("Subscription", "UnsubscribeLink")
    ]
    assert events[0]["subscription"]["newTopicPreferences"]["unsubscribeAll"] is True

    # a forged or altered link changes nothing
    status, _ = _http(local + "x", data=b"List-Unsubscribe=One-Click")
    assert status == 400


def test_raw_mail_with_the_list_management_header(publishing: LiveServer) -> None:
    sesv2 = publishing.client("sesv2", region="sa-east-1")
    domain = f"{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    sesv2.create_contact_list(ContactListName="raw-list", Topics=[NEWS])
    raw = (
        f"From: a@{domain}\r\nTo: b@example.net\r\nSubject: hi\r\n"
        "X-SES-LIST-MANAGEMENT-OPTIONS: raw-list; topic=news\r\n"
        "Content-Type: text/html; charset=utf-8\r\n\r\n"
        f'<a href="{PLACEHOLDER}">unsubscribe</a>\r\n'
    ).encode()
    message_id = sesv2.send_email(Content={"Raw": {"Data": raw}})["MessageId"]
    mail = _raw(publishing, message_id, "sa-east-1")
    assert mail["X-SES-LIST-MANAGEMENT-OPTIONS"] is None
    match = re.fullmatch(r"<(http://[^>]+/_openses/u/[A-Za-z0-9_-]+)>", mail["List-Unsubscribe"])
    assert match is not None
    assert mail.get_payload(decode=True).decode().strip() == (
        f'<a href="{match.group(1)}">unsubscribe</a>'
    )
    assert sesv2.list_contacts(ContactListName="raw-list")["Contacts"][0]["EmailAddress"] == (
        "b@example.net"
    )
