"""Builders for the event-publishing records, in the JSON AWS publishes (see the SES developer
guide, "Contents of event data that Amazon SES publishes"). Keys and spellings are AWS's."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message
from functools import lru_cache
from typing import Any

from openses.domain.configuration_set import ConfigurationSet
from openses.domain.contact_list import Preferences
from openses.domain.event_destination import RECORD_EVENT_TYPES, EventDestination
from openses.domain.mailbox import name_address_pairs
from openses.protocol.timestamps import iso8601

Record = dict[str, Any]

# The MTA name openses reports, where AWS reports one of its own hosts.
REPORTING_MTA = "smtp-out.openses.local"
SMTP_OK = "250 2.6.0 Message received"


@dataclass(frozen=True, slots=True, kw_only=True)
class MailFacts:
    """What every record's ``mail`` object says about the original message."""

    accepted_at: datetime.datetime
    source: str
    source_arn: str | None
    account_id: str
    message_id: str
    destination: Sequence[str]
    headers: Sequence[tuple[str, str]]
    tags: Mapping[str, Sequence[str]]


def mail_object(facts: MailFacts, *, extra_tags: Mapping[str, str] | None = None) -> Record:
    tags = {name: list(values) for name, values in facts.tags.items()}
    for name, value in (extra_tags or {}).items():
        tags[name] = [value]
    mail: Record = {
        "timestamp": iso8601(facts.accepted_at),
        "source": facts.source,
    }
    if facts.source_arn:
        mail["sourceArn"] = facts.source_arn
    mail.update(
        {
            "sendingAccountId": facts.account_id,
            "messageId": facts.message_id,
            "destination": list(facts.destination),
            "headersTruncated": False,
            "headers": [{"name": name, "value": value} for name, value in facts.headers],
            "commonHeaders": common_headers(facts.headers, facts.message_id),
            "tags": tags,
        }
    )
    return mail


def common_headers(headers: Sequence[tuple[str, str]], message_id: str) -> Record:
    """The parsed common headers; keys with no value are left out, as AWS does."""
    parsed = Message()
    for name, value in headers:
        parsed[name] = value
    common: Record = {}
    for key, header in (("from", "From"), ("replyTo", "Reply-To"), ("to", "To"), ("cc", "Cc")):
        values = parsed.get_all(header)
        if values:
            pairs = name_address_pairs(tuple(str(v) for v in values))
            common[key] = [_format_address(decoded_header(n), a) for n, a in pairs]
    if parsed.get("Return-Path"):
        common["returnPath"] = str(parsed["Return-Path"])
    if parsed.get("Date"):
        common["date"] = str(parsed["Date"])
    common["messageId"] = message_id
    if parsed.get("Subject") is not None:
        common["subject"] = decoded_header(str(parsed["Subject"]))
    return common


@lru_cache(maxsize=4096)
def decoded_header(value: str) -> str:
    """Header text with any RFC 2047 encoded words decoded (remembered, as mailboxes are)."""
    return str(make_header(decode_header(value)))


def _format_address(name: str, address: str) -> str:
    return f"{name} <{address}>" if name else address


def send(mail: Record) -> Record:
    return {"eventType": "Send", "mail": mail, "send": {}}


def reject(mail: Record) -> Record:
    return {"eventType": "Reject", "mail": mail, "reject": {"reason": "Bad content"}}


def delivery(
    mail: Record,
    *,
    recipients: Sequence[str],
    at: datetime.datetime,
    processing_millis: int,
    smtp_response: str = SMTP_OK,
    reporting_mta: str = REPORTING_MTA,
    remote_mta_ip: str | None = None,
) -> Record:
    """Capture mode's defaults; a real delivery (issue 15) gives the conversation's values."""
    body: Record = {
        "timestamp": iso8601(at),
        "processingTimeMillis": processing_millis,
        "recipients": list(recipients),
        "smtpResponse": smtp_response,
        "reportingMTA": reporting_mta,
    }
    if remote_mta_ip:
        body["remoteMtaIp"] = remote_mta_ip
    return {"eventType": "Delivery", "mail": mail, "delivery": body}


@dataclass(frozen=True, slots=True, kw_only=True)
class DelayedRecipient:
    email_address: str
    status: str
    diagnostic_code: str


def delivery_delay(
    mail: Record,
    *,
    delay_type: str,
    recipients: Sequence[DelayedRecipient],
    at: datetime.datetime,
    expires_at: datetime.datetime,
    reporting_mta: str | None = None,
) -> Record:
    """Issue 15: a temporary failure SES keeps retrying until ``expires_at``."""
    body: Record = {
        "timestamp": iso8601(at),
        "delayType": delay_type,
        "expirationTime": iso8601(expires_at),
        "delayedRecipients": [
            {
                "emailAddress": r.email_address,
                "status": r.status,
                "diagnosticCode": r.diagnostic_code,
            }
            for r in recipients
        ],
    }
    if reporting_mta:
        body["reportingMTA"] = reporting_mta
    return {"eventType": "DeliveryDelay", "mail": mail, "deliveryDelay": body}


@dataclass(frozen=True, slots=True, kw_only=True)
class BouncedRecipient:
    email_address: str
    action: str | None = None
    status: str | None = None
    diagnostic_code: str | None = None

    def as_json(self) -> Record:
        entry: Record = {"emailAddress": self.email_address}
        if self.action:
            entry["action"] = self.action
        if self.status:
            entry["status"] = self.status
        if self.diagnostic_code:
            entry["diagnosticCode"] = self.diagnostic_code
        return entry


def bounce(
    mail: Record,
    *,
    bounce_type: str,
    bounce_sub_type: str,
    recipients: Sequence[BouncedRecipient],
    at: datetime.datetime,
    feedback_id: str,
    with_dsn: bool,
    reporting_mta: str = REPORTING_MTA,
    remote_mta_ip: str | None = None,
) -> Record:
    body: Record = {
        "bounceType": bounce_type,
        "bounceSubType": bounce_sub_type,
        "bouncedRecipients": [r.as_json() for r in recipients],
        "timestamp": iso8601(at),
        "feedbackId": feedback_id,
    }
    if with_dsn:
        body["reportingMTA"] = f"dsn; {reporting_mta}"
    if remote_mta_ip:
        body["remoteMtaIp"] = remote_mta_ip
    return {"eventType": "Bounce", "mail": mail, "bounce": body}


def complaint(
    mail: Record,
    *,
    recipients: Sequence[str],
    at: datetime.datetime,
    feedback_id: str,
    feedback_type: str | None = "abuse",
    user_agent: str | None = "openses mailbox simulator",
    arrival_date: datetime.datetime | None = None,
) -> Record:
    """The simulator's defaults; a returned feedback report (issue 16) gives its own fields,
    and the ones it lacks (None) are left out, as AWS leaves them out."""
    body: Record = {
        "complainedRecipients": [{"emailAddress": r} for r in recipients],
        "timestamp": iso8601(at),
        "feedbackId": feedback_id,
    }
    if user_agent is not None:
        body["userAgent"] = user_agent
    if feedback_type is not None:
        body["complaintFeedbackType"] = feedback_type
    body["arrivalDate"] = iso8601(arrival_date or at)
    return {"eventType": "Complaint", "mail": mail, "complaint": body}


def rendering_failure(mail: Record, *, template_name: str, error_message: str) -> Record:
    return {
        "eventType": "Rendering Failure",
        "mail": mail,
        "failure": {"templateName": template_name, "errorMessage": error_message},
    }


def open_(mail: Record, *, ip_address: str, user_agent: str, at: datetime.datetime) -> Record:
    return {
        "eventType": "Open",
        "mail": mail,
        "open": {"ipAddress": ip_address, "timestamp": iso8601(at), "userAgent": user_agent},
    }


def click(
    mail: Record,
    *,
    ip_address: str,
    user_agent: str,
    at: datetime.datetime,
    link: str,
    link_tags: Mapping[str, Sequence[str]],
) -> Record:
    return {
        "eventType": "Click",
        "mail": mail,
        "click": {
            "ipAddress": ip_address,
            "timestamp": iso8601(at),
            "userAgent": user_agent,
            "link": link,
            "linkTags": {name: list(values) for name, values in link_tags.items()},
        },
    }


def subscription(
    mail: Record,
    *,
    contact_list: str,
    at: datetime.datetime,
    source: str,
    new: Preferences,
    old: Preferences,
) -> Record:
    """A contact changed its preferences through SES's unsubscribe link or header (events.md,
    Subscription): the event spells the statuses OptIn and OptOut."""
    return {
        "eventType": "Subscription",
        "mail": mail,
        "subscription": {
            "contactList": contact_list,
            "timestamp": iso8601(at),
            "source": source,
            "newTopicPreferences": _preferences(new),
            "oldTopicPreferences": _preferences(old),
        },
    }


def _preferences(preferences: Preferences) -> Record:
    return {
        "unsubscribeAll": preferences.unsubscribe_all,
        "topicSubscriptionStatus": [
            {"topicName": name, "subscriptionStatus": status.event_spelling}
            for name, status in preferences.topics
        ],
    }


def routed(
    configuration_set: ConfigurationSet, records: Sequence[Record]
) -> list[tuple[Record, list[EventDestination]]]:
    """Each record with the destinations of the set it goes to (see
    ConfigurationSet.destinations_for)."""
    return [
        (record, configuration_set.destinations_for(RECORD_EVENT_TYPES[record["eventType"]]))
        for record in records
    ]


def headers_of(message: Message) -> list[tuple[str, str]]:
    return [(name, str(value)) for name, value in message.items()]
