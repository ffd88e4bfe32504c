"""Servers that really publish events, and the peers they publish to: moto's server for SNS,
SQS, Firehose, S3, CloudWatch and EventBridge, and a small Pinpoint stand-in (moto has no
Pinpoint PutEvents)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from openses.config import PublishSettings, Settings
from tests.peer import AwsPeer, aws_peer
from tests.support import LiveServer, database_url, serve_in_thread

FAST = PublishSettings(
    max_attempts=3,
    backoff_base_seconds=0.05,
    backoff_max_seconds=0.2,
    lease_seconds=5,
    poll_seconds=0.05,
    timeout_seconds=5,
)


@pytest.fixture(scope="session", autouse=True)
def _credentials(_credentials: None) -> None:
    """The dispatcher threads outlive each test's environment: every test here gives them
    tests/conftest.py's credentials."""


@pytest.fixture(scope="session")
def peer() -> Iterator[AwsPeer]:
    with aws_peer() as running:
        yield running


class PinpointStub:
    """Answers Pinpoint PutEvents (``POST /v1/apps/{id}/events``) and keeps the requests."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                stub.requests.append((self.path, json.loads(self.rfile.read(length))))
                body = json.dumps({"Results": {}}).encode()
                self.send_response(202)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def events(self, application_id: str) -> list[dict[str, Any]]:
        found = []
        for path, body in list(self.requests):
            if path == f"/v1/apps/{application_id}/events":
                for item in body["BatchItem"].values():
                    found.extend(item["Events"].values())
        return found

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="session")
def pinpoint() -> Iterator[PinpointStub]:
    stub = PinpointStub()
    yield stub
    stub.close()


def publishing_settings(url: str, peer: AwsPeer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "aws_endpoint_url": peer.url,
        "publish": FAST,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture(scope="session")
def publishing(
    backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    peer: AwsPeer,
    pinpoint: PinpointStub,
) -> Iterator[LiveServer]:
    """openses with destination checks on and its dispatcher publishing to the peers."""
    tmp = tmp_path_factory.mktemp(f"publishing-{backend}")
    with database_url(backend, str(tmp)) as url:
        settings = publishing_settings(url, peer, aws_endpoint_urls={"pinpoint": pinpoint.url})
        with serve_in_thread(settings) as live:
            yield live
