"""Identity notifications: the older per-identity SNS feed, built from the event records.

The JSON is AWS's (SES developer guide, "Contents of notifications for Amazon SES"): the type
key is ``notificationType``; ``mail`` has no tags but carries ``sourceIp`` and
``callerIdentity``; the original headers appear only when the identity asks for them.
"""

from __future__ import annotations

from collections.abc import Sequence

from openses.events.records import Record

NOTIFICATION_TYPES = ("Bounce", "Complaint", "Delivery")
# The receiving MTA of a capture-mode delivery is openses itself.
REMOTE_MTA_IP = "127.0.0.1"
_HEADER_KEYS = ("headersTruncated", "headers", "commonHeaders")
_MAIL_KEYS = (
    "timestamp",
    "source",
    "sourceArn",
    "sourceIp",
    "sendingAccountId",
    "callerIdentity",
    "messageId",
    "destination",
)


def notification_type(record: Record) -> str | None:
    """The notification type an event record becomes, or None (Send, Open, ...)."""
    event_type = record.get("eventType")
    return event_type if event_type in NOTIFICATION_TYPES else None


def notification(record: Record, *, with_headers: bool) -> Record:
    """The identity notification for a Bounce, Complaint or Delivery event record."""
    kind = notification_type(record)
    if kind is None:
        raise ValueError(f"no identity notification for {record.get('eventType')!r}")
    key = kind.lower()
    body = dict(record[key])
    # remoteMtaIp is documented for notifications only: set where an SMTP exchange took place.
    if kind == "Delivery" or (kind == "Bounce" and "reportingMTA" in body):
        body["remoteMtaIp"] = REMOTE_MTA_IP
    return {
        "notificationType": kind,
        key: body,
        "mail": notification_mail(record["mail"], with_headers=with_headers),
    }


def notification_mail(mail: Record, *, with_headers: bool) -> Record:
    """An event record's ``mail`` object in the notification form: the caller's IP and
    identity move from the ``ses:*`` tags into fields of their own; tags are dropped."""
    tags = mail.get("tags", {})
    fields = {
        **mail,
        "sourceIp": _first(tags.get("ses:source-ip")),
        "callerIdentity": _first(tags.get("ses:caller-identity")),
    }
    keys = _MAIL_KEYS + (_HEADER_KEYS if with_headers else ())
    return {key: fields[key] for key in keys if fields.get(key) is not None}


def subscription_succeeded(topic_arn: str, kind: str, identity: str) -> Record:
    """The one-off message SES publishes to a topic newly set for an identity. The wording
    is from a third-party test fixture; unverified (docs/aws-behaviour.md)."""
    return {
        "notificationType": "AmazonSnsSubscriptionSucceeded",
        "message": f"You have successfully subscribed your Amazon SNS topic '{topic_arn}' to "
        f"receive '{kind}' notifications from Amazon SES for identity '{identity}'.",
    }


def _first(values: Sequence[str] | None) -> str | None:
    return values[0] if values else None
