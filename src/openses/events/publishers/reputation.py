"""Reputation metrics: PutMetricData of the rates the reputation job (events/reputation.py)
computed, one publication per account and region and round, each a list of datums."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from openses.events.aws import AwsClients
from openses.events.publishers import Failures, Item, Target
from openses.events.publishers.cloudwatch import put_metric_data


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
        return put_metric_data(self._clients, region, self._namespace, datums)


def _datum(metric: dict[str, Any]) -> dict[str, Any]:
    return {**metric, "Timestamp": datetime.datetime.fromisoformat(metric["Timestamp"])}
