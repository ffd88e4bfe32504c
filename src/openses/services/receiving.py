"""Email receiving: mail that arrives for an account runs the actions of its active receipt
rule set, as SES runs them (the developer guide's "Receiving email" chapters).

``Receiver.receive(account, region, envelope, raw)`` is the entry point for an inbound SMTP
listener: it applies the IP filters, finds the rules whose recipients match, runs each
rule's actions in order (S3, SNS, Lambda, Bounce, AddHeader, Stop, WorkMail) and answers
the SMTP reply. ``recipient_reply`` answers RCPT TO the same way, before the data is sent.
"""

from __future__ import annotations

import base64
import datetime
import json
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import format_datetime
from typing import Any, Protocol

from openses.domain.clock import Clock
from openses.domain.errors import OpensesError
from openses.domain.message import EICAR
from openses.domain.receipt_rule import ReceiptAction, ReceiptRule, ReceiptRuleSet, blocked
from openses.events import records
from openses.mail import dsn, raw
from openses.protocol.timestamps import iso8601
from openses.services import bounces
from openses.services.outbound import CAPTURE, Outbound
from openses.store.receipt_rules import ReceivedMessage
from openses.store.sources import ConnectionSource
from openses.store.unit_of_work import UnitOfWork

log = logging.getLogger("openses.receiving")

# SMTP replies of email receiving (SES's inbound endpoint words these its own way; GUESS).
ACCEPTED = "250 Ok"
IP_BLOCKED = "554 5.7.1 Access denied"
NO_MAILBOX = "550 5.1.1 Requested action not taken: mailbox unavailable"
TLS_REQUIRED = "530 5.7.0 Must issue a STARTTLS command first"
FAILED = "451 4.3.0 Temporary service failure"
# The spam scanners' test string (GTUBE), as EICAR is the virus scanners'.
GTUBE = b"XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
# Lambda's answer that stops the rule's further actions, or the whole rule set.
STOP_RULE = "STOP_RULE"
STOP_RULE_SET = "STOP_RULE_SET"

Record = dict[str, Any]


class ReceivingAws(Protocol):
    """The AWS calls of the actions (events/receiving.py)."""

    def put_object(
        self, region: str, bucket: str, key: str, body: bytes, kms_key_arn: str | None
    ) -> None: ...

    def publish(self, topic_arn: str, message: str) -> None: ...

    def invoke(
        self, region: str, function_arn: str, payload: Record, invocation_type: str
    ) -> Record | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class InboundEnvelope:
    source: str  # MAIL FROM
    recipients: Sequence[str]  # RCPT TO
    remote_ip: str
    tls: bool  # whether the session was encrypted when the mail came
    helo: str = ""


@dataclass(slots=True)
class _Mail:
    """One received message while the rules run: its bytes (AddHeader changes them), the
    ``mail`` object of its notifications, and where the run stands."""

    message_id: str
    received_at: datetime.datetime
    content: bytes
    mail: Record
    stop_rule_set: bool = False
    ran: list[str] = field(default_factory=list)  # the action types run, in order


class Receiver:
    def __init__(
        self,
        reads: ConnectionSource,
        writes: ConnectionSource,
        aws: ReceivingAws,
        *,
        clock: Clock,
        outbound: Outbound = CAPTURE,
    ) -> None:
        self._reads = reads
        self._writes = writes
        self._aws = aws
        self._clock = clock
        self._outbound = outbound

    # -- before the data ---------------------------------------------------------------------

    def ip_reply(self, account_id: str, region: str, remote_ip: str) -> str | None:
        """The refusal of a session from ``remote_ip`` that the IP filters block, else None."""
        with UnitOfWork(self._reads, account_id, region) as uow:
            filters = uow.receipt_rules.filters()
        return IP_BLOCKED if blocked(remote_ip, filters) else None

    def recipient_reply(
        self, account_id: str, region: str, recipient: str, *, tls: bool
    ) -> str | None:
        """The refusal of RCPT TO ``recipient``, else None: no enabled rule of the active set
        matches it, or one that does requires TLS and the session has none."""
        with UnitOfWork(self._reads, account_id, region) as uow:
            active = uow.receipt_rules.active_set()
        return _recipient_reply(active, recipient, tls=tls)

    # -- the mail ----------------------------------------------------------------------------

    def receive(self, account_id: str, region: str, envelope: InboundEnvelope, data: bytes) -> str:
        with UnitOfWork(self._reads, account_id, region) as uow:
            filters = uow.receipt_rules.filters()
            active = uow.receipt_rules.active_set()
        if blocked(envelope.remote_ip, filters):
            return IP_BLOCKED
        for recipient in envelope.recipients:
            reply = _recipient_reply(active, recipient, tls=envelope.tls)
            if reply is not None:
                return reply
        assert active is not None  # every recipient matched a rule of it
        mail = self._accept(account_id, region, envelope, data)
        remaining = list(envelope.recipients)
        for rule in active.rules:
            matched = [r for r in remaining if rule.enabled and rule.matches(r)]
            if not matched:
                continue
            self._run_rule(account_id, region, rule, matched, mail, envelope)
            if mail.stop_rule_set:
                break
        log.info(
            "received %s for %s: %s", mail.message_id, ", ".join(envelope.recipients), mail.ran
        )
        return f"{ACCEPTED} {mail.message_id}"

    def _accept(
        self, account_id: str, region: str, envelope: InboundEnvelope, data: bytes
    ) -> _Mail:
        received_at = self._clock()
        message_id = new_receipt_id()
        trace = (
            f"Return-Path: <{envelope.source}>\r\n"
            f"Received: from {envelope.helo or envelope.remote_ip} ([{envelope.remote_ip}]) "
            f"by inbound-smtp.{region}.openses.local with SMTP id {message_id} "
            f"for {envelope.recipients[0]}; {format_datetime(received_at)}\r\n"
        ).encode()
        content = trace + data
        headers = [
            (_storable(name), _storable(value))
            for name, value in records.headers_of(raw.parse(content))
        ]
        mail: Record = {
            "timestamp": iso8601(received_at),
            "source": _storable(envelope.source),
            "messageId": message_id,
            "destination": [_storable(r) for r in envelope.recipients],
            "headersTruncated": False,
            "headers": [{"name": name, "value": value} for name, value in headers],
            "commonHeaders": records.common_headers(headers, message_id),
        }
        with UnitOfWork(self._writes, account_id, region) as uow:
            uow.receipt_rules.add_received(
                ReceivedMessage(
                    message_id=message_id,
                    source=mail["source"],
                    destination=tuple(mail["destination"]),
                    headers=tuple(headers),
                    received_at=received_at,
                )
            )
            uow.commit()
        return _Mail(message_id, received_at, content, mail)

    def _run_rule(
        self,
        account_id: str,
        region: str,
        rule: ReceiptRule,
        recipients: list[str],
        mail: _Mail,
        envelope: InboundEnvelope,
    ) -> None:
        verdicts = _verdicts(rule, mail.content)
        for action in rule.actions:
            started = self._clock()
            try:
                stop = self._run_action(
                    account_id, region, action, recipients, mail, envelope, verdicts, started
                )
            except Exception:
                # an action that fails is logged and the next one runs (docs/aws-behaviour.md)
                log.exception(
                    "receipt rule %s: %s failed for %s", rule.name, action.kind, mail.message_id
                )
                continue
            if stop == STOP_RULE_SET:
                mail.stop_rule_set = True
                return
            if stop == STOP_RULE:
                return

    def _run_action(
        self,
        account_id: str,
        region: str,
        action: ReceiptAction,
        recipients: list[str],
        mail: _Mail,
        envelope: InboundEnvelope,
        verdicts: Record,
        started: datetime.datetime,
    ) -> str | None:
        """Run one action; answer STOP_RULE or STOP_RULE_SET when the rule or the rule set
        ends here."""
        topic = action.get("TopicArn")

        def receipt(action_object: Record) -> Record:
            elapsed = int((self._clock() - mail.received_at).total_seconds() * 1000)
            return {
                "timestamp": iso8601(started),
                "processingTimeMillis": max(elapsed, 0),
                "recipients": list(recipients),
                **verdicts,
                "action": {key: value for key, value in action_object.items() if value is not None},
            }

        def notify(action_object: Record, *, content: str | None = None) -> None:
            if not topic:
                return
            notification: Record = {
                "notificationType": "Received",
                "mail": mail.mail,
                "receipt": receipt(action_object),
            }
            if content is not None:
                notification["content"] = content
            self._aws.publish(topic, json.dumps(notification))

        kind = action.kind
        if kind == "S3Action":
            bucket = action.get("BucketName") or ""
            prefix = action.get("ObjectKeyPrefix") or ""
            key = prefix + mail.message_id
            self._aws.put_object(region, bucket, key, mail.content, action.get("KmsKeyArn"))
            mail.ran.append("S3")
            notify(
                {
                    "type": "S3",
                    "topicArn": topic,
                    "bucketName": bucket,
                    "objectKeyPrefix": prefix or None,
                    "objectKey": key,
                    "kmsKeyArn": action.get("KmsKeyArn"),
                }
            )
        elif kind == "SNSAction":
            encoding = action.get("Encoding") or "UTF-8"
            content = (
                base64.b64encode(mail.content).decode()
                if encoding == "Base64"
                else mail.content.decode("utf-8", "replace")
            )
            mail.ran.append("SNS")
            notify({"type": "SNS", "topicArn": topic, "encoding": encoding}, content=content)
        elif kind == "LambdaAction":
            function = action.get("FunctionArn") or ""
            invocation = action.get("InvocationType") or "Event"
            action_object = {
                "type": "Lambda",
                "topicArn": topic,
                "functionArn": function,
                "invocationType": invocation,
            }
            event = {
                "Records": [
                    {
                        "eventSource": "aws:ses",
                        "eventVersion": "1.0",
                        "ses": {"mail": mail.mail, "receipt": receipt(action_object)},
                    }
                ]
            }
            result = self._aws.invoke(region, function, event, invocation)
            mail.ran.append("Lambda")
            notify(action_object)
            disposition = (result or {}).get("disposition")
            if disposition in (STOP_RULE, STOP_RULE_SET):
                return str(disposition)
        elif kind == "BounceAction":
            self._bounce(account_id, region, action, recipients, mail, envelope)
            mail.ran.append("Bounce")
            notify(
                {
                    "type": "Bounce",
                    "topicArn": topic,
                    "smtpReplyCode": action.get("SmtpReplyCode"),
                    "statusCode": action.get("StatusCode"),
                    "message": action.get("Message"),
                    "sender": action.get("Sender"),
                }
            )
        elif kind == "AddHeaderAction":
            header = f"{action.get('HeaderName')}: {action.get('HeaderValue')}\r\n"
            mail.content = header.encode() + mail.content
            mail.ran.append("AddHeader")
        elif kind == "StopAction":
            mail.ran.append("Stop")
            notify({"type": "Stop", "topicArn": topic})
            return STOP_RULE_SET
        elif kind == "WorkmailAction":
            # openses has no WorkMail: the action is recorded (logged) and notified
            log.info(
                "WorkMail action for %s: organization %s",
                mail.message_id,
                action.get("OrganizationArn"),
            )
            mail.ran.append("WorkMail")
            notify(
                {
                    "type": "WorkMail",
                    "topicArn": topic,
                    "organizationArn": action.get("OrganizationArn"),
                }
            )
        else:  # ConnectAction: recorded only
            log.info("%s for %s: recorded, not run", kind, mail.message_id)
            mail.ran.append(kind.removesuffix("Action"))
        return None

    def _bounce(
        self,
        account_id: str,
        region: str,
        action: ReceiptAction,
        recipients: list[str],
        mail: _Mail,
        envelope: InboundEnvelope,
    ) -> None:
        status = action.get("StatusCode") or "5.0.0"
        reply = f"{action.get('SmtpReplyCode')} {status} {action.get('Message')}"
        bounce = dsn.Bounce(
            sender=action.get("Sender") or "",
            to=envelope.source,
            explanation=action.get("Message") or "",
            reporting_mta=bounces.REPORTING_MTA,
            arrival_date=mail.received_at,
            recipients=[
                dsn.BouncedRecipient(address=r, status=status, diagnostic_code=reply)
                for r in recipients
            ],
            original_headers=[(h["name"], h["value"]) for h in mail.mail["headers"]],
        )
        with UnitOfWork(self._writes, account_id, region) as uow:
            try:
                bounces.send_in(
                    uow, bounce, self._clock, operation="ReceiptRuleBounce", outbound=self._outbound
                )
            except OpensesError as error:
                log.warning("Bounce action for %s not sent: %s", mail.message_id, error.message)
                return
            uow.commit()


def _recipient_reply(active: ReceiptRuleSet | None, recipient: str, *, tls: bool) -> str | None:
    matching = active.matching(recipient) if active is not None else []
    if not matching:
        return NO_MAILBOX
    if not tls and any(rule.tls_policy == "Require" for rule in matching):
        return TLS_REQUIRED
    return None


def _verdicts(rule: ReceiptRule, content: bytes) -> Record:
    """The receipt's verdicts. With ScanEnabled, spam and virus are PASS, or FAIL for the
    GTUBE and EICAR test strings; without, DISABLED. openses checks no SPF, DKIM or DMARC on
    received mail: those say GRAY."""
    if rule.scan_enabled:
        spam = "FAIL" if GTUBE in content else "PASS"
        virus = "FAIL" if EICAR in content else "PASS"
    else:
        spam = virus = "DISABLED"
    return {
        "spamVerdict": {"status": spam},
        "virusVerdict": {"status": virus},
        "spfVerdict": {"status": "GRAY"},
        "dkimVerdict": {"status": "GRAY"},
        "dmarcVerdict": {"status": "GRAY"},
    }


def _storable(text: str) -> str:
    """``text`` as every store and JSON reader keeps it: undecodable bytes of the mail (kept
    as surrogates by the parser) and NUL replaced."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


def new_receipt_id() -> str:
    """Shaped like SES's ids of received mail: 28 lower-case letters and digits."""
    return base64.b32encode(secrets.token_bytes(20)).decode().lower()[:28]
