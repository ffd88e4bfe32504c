"""Reputation metrics: PutMetricData of the rates the reputation job (events/reputation.py)
computed, one publication per account and region and round, each a list of datums."""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from typing import Any

from openses.events.aws import AwsClients
from openses.events.publishers import Failures, Item, Target, chunks, each_call
from openses.events.publishers.cloudwatch import MAX_BYTES, MAX_DATUMS

Datum = tuple[int, dict[str, Any]]


class ReputationPublisher:
    def __init__(self, clients: AwsClients, *, namespace: str) -> None:
        self._clients = clients
        self._namespace = namespace

    def publish(self, target: Target, items: Sequence[Item], *, region: str) -> Failures:
        datums = [
            (item.id, _datum(metric))
            for item in items
            if isinstance(item.payload, dict)
            for metric in item.payload["metrics"]
        ]
        if not datums:
            return {}
        client = self._clients.client("cloudwatch", region)

        def send(run: list[Datum]) -> Failures:
            client.put_metric_data(Namespace=self._namespace, MetricData=[d for _, d in run])
            return {}

        runs = chunks(
            datums,
            max_count=MAX_DATUMS,
            max_bytes=MAX_BYTES,
            size=lambda d: len(json.dumps(d[1], default=str)),
        )
        return each_call(runs, lambda d: d[0], send)


def _datum(metric: dict[str, Any]) -> dict[str, Any]:
    return {**metric, "Timestamp": datetime.datetime.fromisoformat(metric["Timestamp"])}
