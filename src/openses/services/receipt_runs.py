"""Receipt runs (issue 16): a received message's rules run after the mail is accepted, from
the publications outbox, at least once.

``enqueue`` writes, in the transaction that keeps the mail, one publication of kind
``receipt`` whose payload is what the run needs (the active set's rules as they were when the
mail came, the envelope, the ``mail`` object). The dispatcher (events/dispatcher.py) hands it
to ``ReceiptRunner``, which runs the rules' actions in order from where the last attempt
stopped, saving how far it got after each action. An action that fails ends the attempt: the
dispatcher retries it with backoff (the actions before it are not run again) and, after too
many attempts, dead-letters it (``GET /_openses/dead-letters``, retried from there).
"""

from __future__ import annotations

import base64
import datetime
import logging
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any

from openses.domain.clock import Clock
from openses.domain.message import EICAR
from openses.domain.receipt_rule import ReceiptRule
from openses.events.publishers import Failures, Item, Target
from openses.services import receipt_actions
from openses.services.outbound import CAPTURE, Outbound
from openses.services.receipt_actions import (
    STOP_RULE,
    STOP_RULE_SET,
    InboundEnvelope,
    ReceivedMail,
    ReceivingAws,
    RuleRun,
)
from openses.store.receipt_rules import rule_document, rule_from_document
from openses.store.sources import ConnectionSource
from openses.store.unit_of_work import UnitOfWork

log = logging.getLogger("openses.receiving")

KIND = "receipt"  # the publications' kind of a receipt run
# The spam scanners' test string (GTUBE), as EICAR is the virus scanners'.
GTUBE = b"XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

Record = dict[str, Any]


def enqueue(
    uow: UnitOfWork,
    rules: Sequence[ReceiptRule],
    envelope: InboundEnvelope,
    mail: ReceivedMail,
    now: datetime.datetime,
) -> None:
    """The run of ``rules`` on ``mail``, in the unit of work that keeps the mail."""
    payload = {
        "rules": [rule_document(rule) for rule in rules],
        "envelope": {
            "source": envelope.source,
            "recipients": list(envelope.recipients),
            "remote_ip": envelope.remote_ip,
            "tls": envelope.tls,
            "helo": envelope.helo,
        },
        "receivedAt": mail.received_at.isoformat(),
        "mail": mail.mail,
    }
    target = {"accountId": uow.account_id, "messageId": mail.message_id}
    uow.outbox.add_publication(KIND, target, payload, now, message_id=mail.message_id)


@dataclass(eq=False)
class ReceiptRunner:
    """The dispatcher's publisher of ``receipt`` publications: runs the rules."""

    reads: ConnectionSource
    writes: ConnectionSource
    aws: ReceivingAws
    _: KW_ONLY
    clock: Clock
    outbound: Outbound = CAPTURE

    def publish(self, target: Target, items: Sequence[Item], *, region: str) -> Failures:
        failures: Failures = {}
        for item in items:
            assert isinstance(item.payload, dict)
            try:
                self.run(str(target["accountId"]), region, str(target["messageId"]), item.payload)
            except Exception as error:  # retried from the action that failed
                log.warning(
                    "receipt run of %s stopped: %s", target.get("messageId"), error, exc_info=True
                )
                failures[item.id] = f"{type(error).__name__}: {error}"
        return failures

    def run(self, account_id: str, region: str, message_id: str, payload: Record) -> None:
        with UnitOfWork(self.reads, account_id, region) as uow:
            state = uow.receipt_rules.run_of(message_id)
        if state is None:
            log.info("received message %s is no longer kept: its rules do not run", message_id)
            return
        original, progress = state
        if progress.get("done"):
            return
        prefix = base64.b64decode(progress.get("prefix", ""))
        mail = ReceivedMail(
            message_id,
            datetime.datetime.fromisoformat(payload["receivedAt"]),
            prefix + original,
            payload["mail"],
            list(progress.get("ran", [])),
        )
        envelope = InboundEnvelope(**payload["envelope"])
        rules = [rule_from_document(document) for document in payload["rules"]]
        first_rule, first_action = int(progress.get("rule", 0)), int(progress.get("action", 0))
        for index in range(first_rule, len(rules)):
            rule = rules[index]
            matched = [r for r in envelope.recipients if rule.enabled and rule.matches(r)]
            if not matched:
                continue
            run = RuleRun(
                account_id=account_id,
                region=region,
                envelope=envelope,
                recipients=matched,
                verdicts=_verdicts(rule, mail.content),
                aws=self.aws,
                clock=self.clock,
                writes=self.writes,
                outbound=self.outbound,
            )
            start = first_action if index == first_rule else 0
            for position in range(start, len(rule.actions)):
                stop = receipt_actions.run(rule.actions[position], mail, run)
                done = stop == STOP_RULE_SET
                at = (index + 1, 0) if stop == STOP_RULE else (index, position + 1)
                self._save(account_id, region, mail, original, *at, done=done)
                if done:
                    self._finished(mail, envelope)
                    return
                if stop == STOP_RULE:
                    break
        self._save(account_id, region, mail, original, len(rules), 0, done=True)
        self._finished(mail, envelope)

    def _save(
        self,
        account_id: str,
        region: str,
        mail: ReceivedMail,
        original: bytes,
        rule: int,
        action: int,
        *,
        done: bool,
    ) -> None:
        """How far the run got: the next action to run, what AddHeader prepended so far."""
        prefix = mail.content[: len(mail.content) - len(original)]
        progress = {
            "rule": rule,
            "action": action,
            "prefix": base64.b64encode(prefix).decode(),
            "ran": mail.ran,
            "done": done,
        }
        with UnitOfWork(self.writes, account_id, region) as uow:
            uow.receipt_rules.save_progress(mail.message_id, progress)
            uow.commit()

    @staticmethod
    def _finished(mail: ReceivedMail, envelope: InboundEnvelope) -> None:
        log.info(
            "received %s for %s: %s", mail.message_id, ", ".join(envelope.recipients), mail.ran
        )


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
