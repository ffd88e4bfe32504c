"""The queue itself, on the real database: a claim leases rows, a row whose lease ran out is
claimed again, and only the latest claim may settle it, so each recipient's events are
recorded once even when a slow worker comes back late."""

from __future__ import annotations

import datetime
from pathlib import Path

import httpx

from openses.config import DeliverySettings, Settings
from openses.domain.clock import utc_now
from openses.domain.delivery_attempt import Attempt, RecipientResult, Verdict
from openses.domain.smtp_reply import Reply
from openses.services import deliveries as settling
from openses.store import deliveries
from openses.store.database import make_engine
from openses.store.sources import EngineSource
from openses.store.unit_of_work import UnitOfWork
from tests.support import database_url, serve_in_thread

RETRY = settling.RetryPolicy(base_seconds=60, max_seconds=900)


def _delivered(key: int, address: str) -> Attempt:
    reply = Reply(250, "2.0.0 Ok: queued as A1")
    return Attempt(
        key=key,
        results=[RecipientResult(address=address, verdict=Verdict.DELIVERED, reply=reply)],
        finished_at=utc_now(),
        smtp_response=reply.line,
        remote_ip="192.0.2.25",
        local_ip="192.0.2.1",
    )


def test_only_the_latest_claim_settles_a_row(backend: str, tmp_path: Path) -> None:
    with database_url(backend, str(tmp_path)) as url:
        delivery = DeliverySettings(mode="relay", smtp_relay="smtp://127.0.0.1:1", worker=False)
        settings = Settings(
            database_url=url,
            validate_destinations=False,
            dispatch_events=False,
            delivery=delivery,
        )
        with serve_in_thread(settings) as server:
            sesv2 = server.client("sesv2")
            sesv2.create_email_identity(EmailIdentity="queue.example.com")
            sesv2.create_configuration_set(ConfigurationSetName="queued")
            message_id = sesv2.send_email(
                FromEmailAddress="me@queue.example.com",
                Destination={"ToAddresses": ["ann@example.net"]},
                Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}}},
                ConfigurationSetName="queued",
            )["MessageId"]
            engine = make_engine(url)
            try:
                now = utc_now()
                lease = datetime.timedelta(seconds=30)
                [first] = deliveries.claim(engine, now, lease=lease, limit=10)
                assert deliveries.claim(engine, now, lease=lease, limit=10) == []  # leased
                later = now + datetime.timedelta(seconds=31)
                [second] = deliveries.claim(engine, later, lease=lease, limit=10)
                assert (first.id, first.attempts, second.attempts) == (second.id, 1, 2)
                assert first.recipients == ["ann@example.net"]

                def settle(row: deliveries.QueuedDelivery) -> int:
                    with UnitOfWork(
                        EngineSource(engine, write=True), "123456789012", "us-east-1"
                    ) as uow:
                        count = settling.settle(
                            uow,
                            [(row, _delivered(row.id, "ann@example.net"))],
                            utc_now(),
                            retry=RETRY,
                            reporting_mta="mta.test",
                        )
                        uow.commit()
                    return count

                assert settle(first) == 0  # the lease ran out and another claim took it
                assert settle(second) == 1
                assert settle(second) == 0  # settled already
                assert deliveries.counts(engine) == {"delivered": 1}
            finally:
                engine.dispose()
            message = httpx.get(f"{server.url}/_openses/messages/{message_id}").json()
    assert message["status"] == "delivered"
    assert [e["eventType"] for e in message["events"]] == ["Send", "Delivery"]
    assert message["events"][1]["delivery"]["smtpResponse"] == "250 2.0.0 Ok: queued as A1"
