"""Test helpers: a live openses server on a free loopback port, and databases to run it on."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
import uvicorn
from botocore.config import Config
from sqlalchemy import create_engine, text

from openses.app import Application, create_app
from openses.config import Settings

POSTGRES_ADMIN_URL = os.environ.get(
    "OPENSES_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CLIENT_CONFIG = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)


AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ses/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
)


def asgi_scope(method: str, path: str) -> dict[str, Any]:
    """An ASGI HTTP scope for a JSON request to ``path`` in the default account, us-east-1."""
    return {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [
            (b"authorization", AUTHORIZATION.encode()),
            (b"content-type", b"application/json"),
        ],
        "client": ("127.0.0.1", 50000),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def assert_recreated_set_starts_empty(sesv2: Any, name: str) -> None:
    """Create the set ``name`` again (it was deleted) and find none of the old one's event
    destinations; the set is deleted afterwards."""
    sesv2.create_configuration_set(ConfigurationSetName=name)
    try:
        got = sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)
        assert got["EventDestinations"] == []
    finally:
        sesv2.delete_configuration_set(ConfigurationSetName=name)


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards. Under CI a missing server fails."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"openses_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL is not available: {exc}")
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def database_url(backend: str, tmp_dir: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir}/openses-{uuid.uuid4().hex[:8]}.db"
    else:
        with postgres_database() as url:
            yield url


@dataclass
class LiveServer:
    url: str
    settings: Settings

    def client(
        self,
        service: str,
        *,
        access_key: str = "test",
        region: str = "us-east-1",
        validate: bool = True,
    ) -> Any:
        """A boto3 client; ``validate=False`` lets bad input reach the server unchecked."""
        config = CLIENT_CONFIG.merge(Config(parameter_validation=validate))
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key="test",
            config=config,
        )


@contextlib.contextmanager
def serve_in_thread(settings: Settings, app: Application | None = None) -> Iterator[LiveServer]:
    """openses under uvicorn; ``app`` built with chosen collaborators (``bootstrap.py``), else
    the one ``settings`` describe."""
    app = app if app is not None else create_app(settings)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("openses did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.engine.dispose()


def serve_process(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """``openses serve`` as its own process (one that can be killed), ready to answer."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "openses", "serve"],
            env={**os.environ, **env, "OPENSES_PORT": str(port)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"openses serve did not start:\n{log.read_text()}")
