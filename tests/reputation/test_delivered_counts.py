"""The delivery worker (relay mode) counts what it settles into the rollup, in the settling
transaction: a 5xx answer is a permanent bounce in GetSendStatistics and BatchGetMetricData."""

from __future__ import annotations

import datetime
from pathlib import Path

from tests.delivery.conftest import delivering
from tests.delivery.conftest import peer as peer  # moto, for the delivering server's events
from tests.delivery.peers import sink
from tests.events.peerside import eventually
from tests.peer import AwsPeer


def test_relay_outcomes_are_counted(backend: str, tmp_path: Path, peer: AwsPeer) -> None:
    with sink() as smarthost, delivering(backend, tmp_path, peer, smtp_relay=smarthost.url) as live:
        message_id = live.send("ann@example.net", "reject-bob@example.net")
        assert live.status(message_id, "bounced") == "bounced"
        ses = live.server.client("ses")

        def totals() -> tuple[int, int]:
            points = ses.get_send_statistics()["SendDataPoints"]
            return (
                sum(p["DeliveryAttempts"] for p in points),
                sum(p["Bounces"] for p in points),
            )

        assert eventually(totals, lambda got: got == (2, 1)) == (2, 1)
        now = datetime.datetime.now(datetime.UTC)
        window = {
            "StartDate": now - datetime.timedelta(days=1),
            "EndDate": now + datetime.timedelta(hours=1),
        }
        queries = [
            {"Id": metric.lower(), "Namespace": "VDM", "Metric": metric, **window}
            for metric in ("SEND", "DELIVERY", "PERMANENT_BOUNCE", "TRANSIENT_BOUNCE")
        ]
        results = live.sesv2.batch_get_metric_data(Queries=queries)["Results"]
        assert {r["Id"]: sum(r["Values"]) for r in results} == {
            "send": 2,
            "delivery": 1,
            "permanent_bounce": 1,
            "transient_bounce": 0,
        }
