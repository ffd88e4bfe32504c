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
