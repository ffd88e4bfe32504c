"""The actions of a receipt rule, one function per kind, as SES runs them on received mail
(DG receiving-email-action-*): each does its work, then publishes the ``Received``
notification to its TopicArn if it has one (DG receiving-email-notifications-contents)."""

from __future__ import annotations

import base64
import datetime
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from openses.domain.clock import Clock
from openses.domain.errors import OpensesError
from openses.domain.receipt_rule import ReceiptAction
from openses.mail import dsn
from openses.protocol.timestamps import iso8601
from openses.services import bounces
from openses.services.outbound import Outbound
from openses.store.sources import ConnectionSource
from openses.store.unit_of_work import UnitOfWork

log = logging.getLogger("openses.receiving")

# Lambda's answers that end the rule's further actions, or the whole rule set.
STOP_RULE = "STOP_RULE"
STOP_RULE_SET = "STOP_RULE_SET"

Record = dict[str, Any]


class ReceivingAws(Protocol):
    """The AWS calls of the actions (events/receiving.py)."""

    def put_object(
        self,
        region: str,
        bucket: str,
        key: str,
        body: bytes,
        kms_key_arn: str | None,
        role_arn: str | None = None,
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
class ReceivedMail:
    """One received message while the rules run: its bytes (AddHeader changes them), the
    ``mail`` object of its notifications, and the action types run so far."""

    message_id: str
    received_at: datetime.datetime
    content: bytes
    mail: Record
    ran: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleRun:
    """What the actions of one rule share for one message."""

    account_id: str
    region: str
    envelope: InboundEnvelope
    recipients: Sequence[str]  # those of the envelope this rule matched
    verdicts: Record
    aws: ReceivingAws
    clock: Clock
    writes: ConnectionSource
    outbound: Outbound


# An action: answers STOP_RULE or STOP_RULE_SET when the rule or the rule set ends there.
Action = Callable[[ReceiptAction, ReceivedMail, RuleRun], str | None]


def run(action: ReceiptAction, mail: ReceivedMail, rule: RuleRun) -> str | None:
    return _ACTIONS.get(action.kind, _recorded)(action, mail, rule)


def _receipt(mail: ReceivedMail, rule: RuleRun, action_object: Record) -> Record:
    now = rule.clock()
    elapsed = int((now - mail.received_at).total_seconds() * 1000)
    return {
        "timestamp": iso8601(now),
        "processingTimeMillis": max(elapsed, 0),
        "recipients": list(rule.recipients),
        **rule.verdicts,
        "action": {key: value for key, value in action_object.items() if value is not None},
    }


def _notify(
    action: ReceiptAction,
    mail: ReceivedMail,
    rule: RuleRun,
    action_object: Record,
    *,
    content: str | None = None,
) -> None:
    topic = action.get("TopicArn")
    if not topic:
        return
    notification: Record = {
        "notificationType": "Received",
        "mail": mail.mail,
        "receipt": _receipt(mail, rule, {"topicArn": topic, **action_object}),
    }
    if content is not None:
        notification["content"] = content
    rule.aws.publish(topic, json.dumps(notification))


def _s3(action: ReceiptAction, mail: ReceivedMail, rule: RuleRun) -> None:
    bucket = action.get("BucketName") or ""
    prefix = action.get("ObjectKeyPrefix") or ""
    key = prefix + mail.message_id
    rule.aws.put_object(
        rule.region,
        bucket,
        key,
        mail.content,
        action.get("KmsKeyArn"),
        action.get("IamRoleArn"),
    )
    mail.ran.append("S3")
    _notify(
        action,
        mail,
        rule,
        {
            "type": "S3",
            "bucketName": bucket,
            "objectKeyPrefix": prefix or None,
            "objectKey": key,
            "kmsKeyArn": action.get("KmsKeyArn"),
        },
    )


def _sns(action: ReceiptAction, mail: ReceivedMail, rule: RuleRun) -> None:
    encoding = action.get("Encoding") or "UTF-8"
    if encoding == "Base64":
        content = base64.b64encode(mail.content).decode()
    else:
        content = mail.content.decode("utf-8", "replace")
    mail.ran.append("SNS")
    _notify(action, mail, rule, {"type": "SNS", "encoding": encoding}, content=content)


def _lambda(action: ReceiptAction, mail: ReceivedMail, rule: RuleRun) -> str | None:
    function = action.get("FunctionArn") or ""
    invocation = action.get("InvocationType") or "Event"
    action_object = {
        "type": "Lambda",
        "topicArn": action.get("TopicArn"),
        "functionArn": function,
        "invocationType": invocation,
    }
    event = {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {"mail": mail.mail, "receipt": _receipt(mail, rule, action_object)},
            }
        ]
    }
    result = rule.aws.invoke(rule.region, function, event, invocation)
    mail.ran.append("Lambda")
    _notify(action, mail, rule, action_object)
    disposition = (result or {}).get("disposition")
    return str(disposition) if disposition in (STOP_RULE, STOP_RULE_SET) else None


def _bounce(action: ReceiptAction, mail: ReceivedMail, rule: RuleRun) -> None:
    """A DSN from the action's Sender to the envelope sender, through openses' send path."""
    status = action.get("StatusCode") or "5.0.0"
    reply = f"{action.get('SmtpReplyCode')} {status} {action.get('Message')}"
    bounce = dsn.Bounce(
        sender=action.get("Sender") or "",
        to=rule.envelope.source,
        explanation=action.get("Message") or "",
        reporting_mta=bounces.REPORTING_MTA,
        arrival_date=mail.received_at,
        recipients=[
            dsn.BouncedRecipient(address=r, status=status, diagnostic_code=reply)
            for r in rule.recipients
        ],
        original_headers=[(h["name"], h["value"]) for h in mail.mail["headers"]],
    )
    with UnitOfWork(rule.writes, rule.account_id, rule.region) as uow:
        try:
            bounces.send_in(
                uow, bounce, rule.clock, operation="ReceiptRuleBounce", outbound=rule.outbound
            )
        except OpensesError as error:
            log.warning("Bounce action for %s not sent: %s", mail.message_id, error.message)
        else:
            uow.commit()
    mail.ran.append("Bounce")
    _notify(
        action,
        mail,
        rule,
        {
            "type": "Bounce",
            "smtpReplyCode": action.get("SmtpReplyCode"),
            "statusCode": action.get("StatusCode"),
            "message": action.get("Message"),
            "sender": action.get("Sender"),
        },
    )


def _add_header(action: ReceiptAction, mail: ReceivedMail, rule: RuleRun) -> None:
    header = f"{action.get('HeaderName')}: {action.get('HeaderValue')}\r\n"
    mail.content = header.encode() + mail.content
    mail.ran.append("AddHeader")


def _stop(action: ReceiptAction, mail: ReceivedMail, rule: RuleRun) -> str:
    mail.ran.append("Stop")
    _notify(action, mail, rule, {"type": "Stop"})
    return STOP_RULE_SET


def _workmail(action: ReceiptAction, mail: ReceivedMail, rule: RuleRun) -> None:
    """openses has no WorkMail: the action is logged and notified."""
    organization = action.get("OrganizationArn")
    log.info("WorkMail action for %s: organization %s", mail.message_id, organization)
    mail.ran.append("WorkMail")
    _notify(action, mail, rule, {"type": "WorkMail", "organizationArn": organization})


def _recorded(action: ReceiptAction, mail: ReceivedMail, rule: RuleRun) -> None:
    """Connect (and any action kind a newer model adds): logged, not run."""
    log.info("%s for %s: recorded, not run", action.kind, mail.message_id)
    mail.ran.append(action.kind.removesuffix("Action"))


_ACTIONS: dict[str, Action] = {
    "S3Action": _s3,
    "SNSAction": _sns,
    "LambdaAction": _lambda,
    "BounceAction": _bounce,
    "AddHeaderAction": _add_header,
    "StopAction": _stop,
    "WorkmailAction": _workmail,
}
