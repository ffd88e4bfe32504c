"""GetMessageInsights of a message sent without a configuration set in relay mode (issue 20):
the delivery queue's outcome shows, as VDM sees every message of the account."""

from __future__ import annotations

from pathlib import Path

from tests.delivery.conftest import delivering
from tests.delivery.peers import sink
from tests.events.peerside import eventually
from tests.peer import AwsPeer


def test_relayed_outcomes_of_a_message_without_a_set(
    backend: str, tmp_path: Path, peer: AwsPeer
) -> None:
    with sink() as smarthost, delivering(backend, tmp_path, peer, smtp_relay=smarthost.url) as live:
        message_id = live.sesv2.send_email(
            FromEmailAddress=f"sender@{live.domain}",
            Destination={"ToAddresses": ["ann@example.net", "reject-bob@example.net"]},
            Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hi"}}}},
        )["MessageId"]

        def types() -> list[tuple[str, list[str]]]:
            found = live.sesv2.get_message_insights(MessageId=message_id)["Insights"]
            return [(i["Destination"], [e["Type"] for e in i["Events"]]) for i in found]

        got = eventually(types, lambda got: all(len(events) == 2 for _, events in got))
    assert got == [
        ("ann@example.net", ["SEND", "DELIVERY"]),
        ("reject-bob@example.net", ["SEND", "BOUNCE"]),
    ]
    assert len(smarthost.received) == 1
