"""Counting a message's events into the rollup as the send path does, at a chosen time (the
wire cannot send in the past)."""

from __future__ import annotations

import datetime
import uuid

from sqlalchemy import Engine

from openses.events import records
from openses.store.statistics import StatisticsRepository


def sent_mail(
    account: str,
    at: datetime.datetime,
    *to: str,
    configuration_set: str | None = None,
    region: str = "us-east-1",
) -> records.Record:
    """The mail object of a new message from sender@example.com to ``to``, accepted at ``at``."""
    facts = records.MailFacts(
        accepted_at=at,
        source="sender@example.com",
        source_arn=f"arn:aws:ses:{region}:{account}:identity/example.com",
        account_id=account,
        message_id=uuid.uuid4().hex,
        destination=list(to),
        headers=[],
        tags={"ses:configuration-set": [configuration_set]} if configuration_set else {},
    )
    return records.mail_object(facts)


def count_message(
    engine: Engine,
    account: str,
    at: datetime.datetime,
    *to: str,
    bounce: str | None = None,
    bounce_sub_type: str = "General",
    configuration_set: str | None = None,
    region: str = "us-east-1",
) -> None:
    """A message to ``to`` sent at ``at``: delivered, or bounced (``bounce``: its type)."""
    mail = sent_mail(account, at, *to, configuration_set=configuration_set, region=region)
    events = [records.send(mail)]
    if bounce is None:
        events.append(records.delivery(mail, recipients=list(to), at=at, processing_millis=1))
    else:
        bounced = [
            records.BouncedRecipient(
                email_address=address, action="failed", status="5.1.1", diagnostic_code="x"
            )
            for address in to
        ]
        events.append(
            records.bounce(
                mail,
                bounce_type=bounce,
                bounce_sub_type=bounce_sub_type,
                recipients=bounced,
                at=at,
                feedback_id="f",
                with_dsn=False,
            )
        )
    with engine.begin() as connection:
        StatisticsRepository(connection, account, region).count(events, at)
