"""Retention (issue 16): received mail and returns are forgotten after the message retention
period (OPENSES_MESSAGE_RETENTION), as sent messages are. Seen through the wire: SendBounce no
longer finds the received message, and the returns list no longer holds the return."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from openses.config import DeliverySettings, Settings
from tests.events.peerside import eventually
from tests.peer import AwsPeer
from tests.receiving.test_inbound import active_rules, send
from tests.returned_mail import Failure, deliver, dsn
from tests.support import LiveServer, database_url, free_port, serve_in_thread, unique

RETENTION_SECONDS = 3.0
STRANGER = "0000000000000000-00000000-0000-0000-0000-000000000000-000000"
ADMIN_TOKEN = "retention-operator"  # unmatched returns are the operator's to see


@pytest.fixture(scope="module")
def forgetful(
    backend: str, tmp_path_factory: pytest.TempPathFactory, peer: AwsPeer, _credentials: None
) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp(f"retention-{backend}")
    with database_url(backend, str(tmp)) as url:
        settings = Settings(
            database_url=url,
            aws_endpoint_url=peer.url,
            smtps_port=0,
            smtp_port=0,
            inbound_smtp_port=free_port(),
            admin_token=ADMIN_TOKEN,
            delivery=DeliverySettings(
                message_retention_seconds=RETENTION_SECONDS, message_retention_set=True
            ),
        )
        with serve_in_thread(settings) as live:
            yield live


def bounce_of(ses: Any, original: str, domain: str) -> Any:
    return ses.send_bounce(
        OriginalMessageId=original,
        BounceSender=f"postmaster@{domain}",
        BouncedRecipientInfoList=[{"Recipient": f"j@{domain}", "BounceType": "DoesNotExist"}],
    )


def returns_of(server: LiveServer, recipient: str) -> list[dict[str, Any]]:
    got = httpx.get(
        f"{server.url}/_openses/returns",
        params={"unmatched": "true"},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    ).json()
    return [r for r in got["returns"] if r["recipients"] == [recipient]]


def test_received_mail_and_returns_are_forgotten(forgetful: LiveServer) -> None:
    ses = forgetful.client("ses")
    domain = f"{unique('ret')}.example.org"
    ses.verify_domain_identity(Domain=domain)
    return_path = f"{STRANGER}@us-east-1.openses.invalid"
    with active_rules(ses, {"Name": "keep"}):
        started = time.monotonic()
        original = send(forgetful, [f"j@{domain}"])
        deliver(
            forgetful.settings.inbound_smtp_port, [return_path], dsn([Failure("x@y.z", "5.1.1")])
        )
        assert bounce_of(ses, original, domain)["MessageId"]
        assert len(returns_of(forgetful, return_path)) == 1
        assert time.monotonic() - started < RETENTION_SECONDS  # else the check above races

    def refusal() -> tuple[str, str, int] | None:
        try:
            bounce_of(ses, original, domain)
        except ClientError as error:
            response: Any = error.response
            code, message = response["Error"]["Code"], response["Error"]["Message"]
            return (code, message, response["ResponseMetadata"]["HTTPStatusCode"])
        return None

    assert eventually(refusal, bool, deadline=30) == (
        "MessageRejected",
        f"Could not find original message: {original}",
        400,
    )
    eventually(lambda: returns_of(forgetful, return_path), lambda found: found == [], deadline=30)
