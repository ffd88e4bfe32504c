"""End to end through a real MTA: openses relays to a private Postfix, which relays to an
aiosmtpd sink: openses -> postfix -> sink, with the Delivery event carrying Postfix's reply."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.delivery.conftest import by_type, delivering
from tests.delivery.peers import sink
from tests.delivery.postfix import private_postfix, unavailable
from tests.events.peerside import eventually
from tests.peer import AwsPeer
from tests.support import free_port


def test_openses_relays_through_postfix(backend: str, tmp_path: Path, peer: AwsPeer) -> None:
    reason = unavailable()
    if reason is not None:
        if os.environ.get("CI") == "true":  # .ci/run installs postfix: missing is a failure
            pytest.fail(reason)
        pytest.skip(reason)
    with (
        sink() as final,
        private_postfix(final.host, final.port) as port,
        delivering(backend, tmp_path, peer, smtp_relay=f"smtp://127.0.0.1:{port}") as live,
    ):
        message_id = live.send("ann@example.net", "bob@example.org")
        records = by_type(live.events(message_id, 2))
        got = eventually(final.message_ids, lambda ids: message_id in ids, deadline=60)
    assert got == [message_id]
    [received] = final.received
    assert sorted(received.recipients) == ["ann@example.net", "bob@example.org"]
    assert "by postfix.openses.test" in str(received.message["Received"])
    [delivery] = records["Delivery"]
    # Postfix's own answer to DATA: "250 2.0.0 Ok: queued as <queue id>"
    assert re.fullmatch(
        r"250 2\.0\.0 Ok: queued as [0-9A-Z]+", delivery["delivery"]["smtpResponse"]
    )
    assert delivery["delivery"]["recipients"] == ["ann@example.net", "bob@example.org"]


def test_a_postfix_bounce_comes_back_to_the_inbound_listener(
    backend: str, tmp_path: Path, peer: AwsPeer
) -> None:
    """openses relays to Postfix, which relays on to openses' inbound listener; that refuses
    the recipient (no receiving yet: 550 5.1.1), so Postfix mails its own DSN to the message's
    return path, through the same relay: a real asynchronous bounce."""
    reason = unavailable()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    inbound = free_port()
    with (
        private_postfix("127.0.0.1", inbound) as port,
        delivering(
            backend,
            tmp_path,
            peer,
            smtp_relay=f"smtp://127.0.0.1:{port}",
            inbound_smtp_port=inbound,
        ) as live,
    ):
        message_id = live.send("ann@example.net")
        records = by_type(live.events(message_id, 3, deadline=90))
        suppressed = live.sesv2.get_suppressed_destination(EmailAddress="ann@example.net")
    [bounce] = records["Bounce"]
    assert {k: bounce["bounce"][k] for k in ("bounceType", "bounceSubType", "reportingMTA")} == {
        "bounceType": "Permanent",
        "bounceSubType": "NoEmail",
        "reportingMTA": "dsn; postfix.openses.test",
    }
    assert bounce["bounce"]["bouncedRecipients"] == [
        {
            "emailAddress": "ann@example.net",
            "action": "failed",
            "status": "5.1.1",
            "diagnosticCode": "smtp; 550 5.1.1 Requested action not taken: mailbox unavailable",
        }
    ]
    assert suppressed["SuppressedDestination"]["Reason"] == "BOUNCE"
