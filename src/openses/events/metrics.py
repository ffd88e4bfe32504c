"""Prometheus metrics of event publishing: events published, retried and dead-lettered per
destination kind (this process's counters), and the outbox's rows per kind and status."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from openses.store import publications


class PublicationMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.published = Counter(
            "openses_events_published",
            "Events published to an event destination.",
            ["kind"],
            registry=registry,
        )
        self.retried = Counter(
            "openses_events_retried",
            "Failed publications scheduled for another attempt.",
            ["kind"],
            registry=registry,
        )
        self.dead_lettered = Counter(
            "openses_events_dead_lettered",
            "Publications given up on and kept as dead letters.",
            ["kind"],
            registry=registry,
        )


class OutboxCollector(Collector):
    """Rows in the shared outbox, read from the database at scrape time."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "openses_publications",
            "Outbox rows per destination kind and status.",
            labels=["kind", "status"],
        )
        for (kind, status), count in sorted(publications.counts(self._engine).items()):
            gauge.add_metric([kind, status], count)
        yield gauge
