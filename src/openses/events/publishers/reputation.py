"""Reputation metrics: PutMetricData of the rates the reputation job (events/reputation.py)
computed, one publication per account and region and round, each a list of datums."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openses.events.publishers import AwsPublisher, Failures, Item, Target
from openses.events.publishers.cloudwatch import put_metric_data


@dataclass(frozen=True)
class ReputationPublisher(AwsPublisher):
    namespace: str = field(kw_only=True)

    def publish(self, target: Target, items: Sequence[Item], *, region: str) -> Failures:
        datums = [
            (item.id, _datum(metric))
            for item in items
            if isinstance(item.payload, dict)
            for metric in item.payload["metrics"]
        ]
        return put_metric_data(self.clients, region, self.namespace, datums)


def _datum(metric: dict[str, Any]) -> dict[str, Any]:
    return {**metric, "Timestamp": datetime.datetime.fromisoformat(metric["Timestamp"])}
