"""Test helpers: a live openses server on a free loopback port, and databases to run it on."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
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


def fresh_account() -> str:
    """A 12-digit access key id: a fresh account, whose listings and settings start empty."""
    return str(random.randrange(10**11, 10**12))


def authorization(access_key: str, region: str = "us-east-1") -> str:
    """An ``Authorization`` header naming ``access_key`` and ``region`` in its credential scope,
    as openses reads account and region from it (the signature is not checked in open mode)."""
    return (
        f"AWS4-HMAC-SHA256 Credential={access_key}/20240101/{region}/ses/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )


def verify_identity(server: LiveServer, access_key: str, name: str) -> dict[str, str]:
    """``POST /_openses/identities/{name}/verify`` as the account of ``access_key``."""
    response = httpx.post(
        f"{server.url}/_openses/identities/{name}/verify",
        headers={"Authorization": authorization(access_key)},
    )
    assert response.status_code == 200
    body: dict[str, str] = response.json()
    return body


def strip_metadata(response: dict[str, Any]) -> dict[str, Any]:
    """A boto3 response without its ResponseMetadata, for whole-dict comparisons."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def error_tuple(raised: pytest.ExceptionInfo[Any]) -> tuple[str, str, int]:
    """(Code, Message, HTTP status) of a ClientError."""
    response = raised.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def all_set_names(sesv2: Any) -> list[str]:
    """Every configuration-set name of the client's account, through all pages."""
    names: list[str] = []
    kwargs: dict[str, Any] = {"PageSize": 1000}
    while True:
        page = sesv2.list_configuration_sets(**kwargs)
        names.extend(page["ConfigurationSets"])
        if not page.get("NextToken"):
            return names
        kwargs["NextToken"] = page["NextToken"]


@contextlib.contextmanager
def v2_configuration_sets(sesv2: Any, prefix: str) -> Iterator[Callable[..., str]]:
    """A factory of v2 configuration sets (keyword arguments as CreateConfigurationSet takes
    them), each deleted afterwards."""
    created: list[str] = []

    def make(**kwargs: Any) -> str:
        name = unique(prefix)
        sesv2.create_configuration_set(ConfigurationSetName=name, **kwargs)
        created.append(name)
        return name

    yield make
    for name in created:
        with contextlib.suppress(sesv2.exceptions.NotFoundException):
            sesv2.delete_configuration_set(ConfigurationSetName=name)


@contextlib.contextmanager
def verified_sender(sesv2: Any, prefix: str, local_part: str = "sender") -> Iterator[str]:
    """An address on a new verified sending domain, deleted afterwards."""
    domain = f"{unique(prefix)}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    yield f"{local_part}@{domain}"
    sesv2.delete_email_identity(EmailIdentity=domain)


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
    settings: Settings  # with the SMTP ports it listens on (0: off)

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
    the one ``settings`` describe, its SMTP ports (unless 0) moved to free ones."""
    if app is None:
        settings = dataclasses.replace(
            settings,
            smtp_port=free_port() if settings.smtp_port else 0,
            smtps_port=free_port() if settings.smtps_port else 0,
            inbound_smtp_port=free_port() if settings.inbound_smtp_port else 0,
        )
        app = create_app(settings)
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


# ``openses serve`` processes keep off the default SMTP ports unless a test names its own.
SMTP_OFF = {"OPENSES_SMTP_PORT": "0", "OPENSES_SMTPS_PORT": "0"}


def serve_process(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """``openses serve`` as its own process (one that can be killed), ready to answer."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "openses", "serve"],
            env={**SMTP_OFF, **os.environ, **env, "OPENSES_PORT": str(port)},
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


# --- v1 configuration sets -----------------------------------------------------------------

SNS_TOPIC = "arn:aws:sns:us-east-1:123456789012:events"
FIREHOSE_ROLE = "arn:aws:iam::123456789012:role/firehose"
FIREHOSE_STREAM = "arn:aws:firehose:us-east-1:123456789012:deliverystream/s"
ALL_ATTRIBUTES = ["eventDestinations", "trackingOptions", "deliveryOptions", "reputationOptions"]
FRESH_REPUTATION = {"SendingEnabled": True, "ReputationMetricsEnabled": False}


def error_dict(raised: pytest.ExceptionInfo[Any]) -> dict[str, Any]:
    """A v1 ClientError's Error block (Type, Code, Message) with its HTTPStatusCode."""
    response = raised.value.response
    return {**response["Error"], "HTTPStatusCode": response["ResponseMetadata"]["HTTPStatusCode"]}


def sender_error(code: str, message: str) -> dict[str, Any]:
    """What ``error_dict`` gives for a v1 Sender fault with HTTP 400."""
    return {"Type": "Sender", "Code": code, "Message": message, "HTTPStatusCode": 400}


def describe_set(ses: Any, name: str) -> dict[str, Any]:
    """v1 DescribeConfigurationSet with every attribute, without ResponseMetadata."""
    return strip_metadata(
        ses.describe_configuration_set(
            ConfigurationSetName=name, ConfigurationSetAttributeNames=ALL_ATTRIBUTES
        )
    )


def fresh_description(name: str, **blocks: Any) -> dict[str, Any]:
    """Describe-all output of a set created with only a name, with ``blocks`` overriding."""
    return {
        "ConfigurationSet": {"Name": name},
        "EventDestinations": [],
        "DeliveryOptions": {"TlsPolicy": "Optional"},
        "ReputationOptions": FRESH_REPUTATION,
        **blocks,
    }


def sns_destination(name: str, *types: str, enabled: bool = True) -> dict[str, Any]:
    """A v1 EventDestination to SNS_TOPIC (``send`` events unless ``types`` says)."""
    return {
        "Name": name,
        "Enabled": enabled,
        "MatchingEventTypes": list(types or ("send",)),
        "SNSDestination": {"TopicARN": SNS_TOPIC},
    }


def cloudwatch_destination(name: str, dimension_name: str, default_value: str) -> dict[str, Any]:
    """A v1 EventDestination to CloudWatch with one message-tag dimension."""
    return {
        "Name": name,
        "Enabled": True,
        "MatchingEventTypes": ["send"],
        "CloudWatchDestination": {
            "DimensionConfigurations": [
                {
                    "DimensionName": dimension_name,
                    "DimensionValueSource": "messageTag",
                    "DefaultDimensionValue": default_value,
                }
            ]
        },
    }


@contextlib.contextmanager
def v1_configuration_sets(ses: Any) -> Iterator[Callable[[], str]]:
    """A factory of v1 configuration sets (name only), each deleted afterwards."""
    created: list[str] = []

    def make() -> str:
        name = unique("cs")
        ses.create_configuration_set(ConfigurationSet={"Name": name})
        created.append(name)
        return name

    yield make
    for name in created:
        with contextlib.suppress(ses.exceptions.ConfigurationSetDoesNotExistException):
            ses.delete_configuration_set(ConfigurationSetName=name)
