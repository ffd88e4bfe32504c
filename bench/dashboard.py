"""The dashboard's overview and inbox pages with the store full of messages (after
scale.memory): sequential GETs, their latency per page. Target: < 100 ms each (issue 19)."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import httpx

from bench.processes import Server

PAGES = {"overview": "/_openses/", "inbox": "/_openses/inbox"}
REQUESTS = 30


@dataclass(frozen=True, slots=True)
class PageTiming:
    page: str
    p50_ms: float
    max_ms: float


def run(server: Server, messages: int) -> list[PageTiming]:
    timings = []
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for page, path in PAGES.items():
            client.get(path).raise_for_status()  # warm
            spent = []
            for _ in range(REQUESTS):
                started = time.perf_counter()
                client.get(path).raise_for_status()
                spent.append((time.perf_counter() - started) * 1000)
            timings.append(PageTiming(page, statistics.median(spent), max(spent)))
    return timings
