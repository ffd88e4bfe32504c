"""openses with its inbound SMTP listener on, its receipt rules' actions going to moto's
server (S3, SNS, SQS) and to a small Lambda stand-in (moto runs no function without Docker)."""

from __future__ import annotations

import dataclasses
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from openses.app import create_app
from openses.config import PublishSettings, Settings
from tests.peer import AwsPeer, aws_peer
from tests.support import LiveServer, database_url, free_port, serve_in_thread, unique

MAX_ATTEMPTS = 6  # a receipt run's, before it is dead-lettered


@dataclasses.dataclass
class Invocation:
    function: str
    invocation_type: str
    payload: dict[str, Any]


class LambdaStub:
    """Answers Lambda GetFunction and Invoke for the functions in ``functions`` (name ->
    what a RequestResponse invocation returns) and keeps every invocation."""

    def __init__(self) -> None:
        self.functions: dict[str, dict[str, Any]] = {}
        self.invocations: list[Invocation] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _function(self) -> str | None:
                parts = self.path.split("?")[0].split("/")
                # /2015-03-31/functions/{name}[/invocations]
                if len(parts) >= 4 and parts[2] == "functions":
                    name = urllib.parse.unquote(parts[3])
                    return name if name in stub.functions else None
                return None

            def _answer(self, status: int, body: dict[str, Any], error: str | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                if error:
                    self.send_header("x-amzn-errortype", error)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                name = self._function()
                if name is None:
                    self._answer(404, {"message": "not found"}, "ResourceNotFoundException")
                    return
                self._answer(200, {"Configuration": {"FunctionName": name, "FunctionArn": name}})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                name = self._function()
                if name is None:
                    self._answer(404, {"message": "not found"}, "ResourceNotFoundException")
                    return
                kind = self.headers.get("x-amz-invocation-type", "RequestResponse")
                stub.invocations.append(Invocation(name, kind, json.loads(body)))
                if kind == "Event":
                    self._answer(202, {})
                else:
                    self._answer(200, stub.functions[name])

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="session")
def peer() -> Iterator[AwsPeer]:
    with aws_peer() as running:
        yield running


@pytest.fixture(scope="session")
def lambdas() -> Iterator[LambdaStub]:
    stub = LambdaStub()
    yield stub
    stub.close()


@pytest.fixture(scope="session")
def receiving(
    backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    peer: AwsPeer,
    lambdas: LambdaStub,
    _credentials: None,
) -> Iterator[LiveServer]:
    """openses receiving mail on a free inbound port, the default account's, in us-east-1."""
    tmp = tmp_path_factory.mktemp(f"receiving-{backend}")
    with database_url(backend, str(tmp)) as url:
        settings = Settings(
            database_url=url,
            # the receipt rules' actions run from the outbox, with quick retries
            publish=PublishSettings(
                backoff_base_seconds=0.2, backoff_max_seconds=0.5, max_attempts=MAX_ATTEMPTS
            ),
            aws_endpoint_url=peer.url,
            aws_endpoint_urls={"lambda": lambdas.url},
            smtps_port=0,
            smtp_port=0,
            inbound_smtp_port=free_port(),
        )
        app = create_app(settings)
        with serve_in_thread(settings, app) as live:
            yield live


@pytest.fixture
def ses(receiving: LiveServer) -> Any:
    return receiving.client("ses")


@pytest.fixture
def domain(ses: Any) -> str:
    """A domain the default account verified: its mail is that account's to receive."""
    name = f"{unique('in')}.example.com"
    ses.verify_domain_identity(Domain=name)
    return name
