"""``GET /metrics``: this process's Prometheus metrics, in the text exposition format."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response


class MetricsEndpoint:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry

    async def render(self, _request: Request) -> Response:
        # Collectors may read the database: keep that off the event loop.
        body = await run_in_threadpool(generate_latest, self._registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)
