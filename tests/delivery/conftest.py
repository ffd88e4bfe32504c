"""openses servers that deliver for real (relay or mx mode), the moto peer their events go
to, and what tests need to send through them and read the events back."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openses.app import create_app
from openses.config import DeliverySettings, PublishSettings, Settings, parse_dns_servers
from tests.delivery.peers import CertificateAuthority
from tests.events.peerside import Topic, collect, drain, eventually, topic_with_queue
from tests.events_schema import schema_errors
from tests.peer import AwsPeer, aws_peer
from tests.support import LiveServer, database_url, serve_in_thread, unique

FAST_PUBLISH = PublishSettings(
    max_attempts=3,
    backoff_base_seconds=0.05,
    backoff_max_seconds=0.2,
    lease_seconds=5,
    poll_seconds=0.05,
    timeout_seconds=5,
)
# Retries in fractions of a second, and no message lives longer than the test wants.
FAST = DeliverySettings(
    mode="relay",
    retry_base_seconds=0.2,
    retry_max_seconds=0.4,
    timeout_seconds=2,
    poll_seconds=0.05,
    lease_seconds=30,
    concurrency=4,
    smtp_hostname="mta-1.openses.test",
)
HOSTNAME = "mta-1.openses.test"


@pytest.fixture(scope="session", autouse=True)
def _credentials(_credentials: None) -> None:
    """The dispatcher threads outlive each test's environment: every test here gives them
    tests/conftest.py's credentials."""


@pytest.fixture(scope="session")
def peer() -> Iterator[AwsPeer]:
    with aws_peer() as running:
        yield running


@pytest.fixture(scope="session")
def test_ca() -> CertificateAuthority:
    return CertificateAuthority()


@pytest.fixture(scope="session")
def ca_file(test_ca: CertificateAuthority, tmp_path_factory: pytest.TempPathFactory) -> str:
    return test_ca.write_pem(str(tmp_path_factory.mktemp("ca") / "ca.pem"))


@dataclasses.dataclass
class Delivering:
    """A server that delivers, a verified domain and a configuration set whose events go to
    an SNS topic on the moto peer."""

    server: LiveServer
    peer: AwsPeer
    domain: str
    set_name: str
    topic: Topic
    seen: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    @property
    def sesv2(self) -> Any:
        return self.server.client("sesv2")

    def send(self, *to: str, set_name: str | None = None, subject: str = "Hello") -> str:
        message_id: str = self.sesv2.send_email(
            FromEmailAddress=f"sender@{self.domain}",
            Destination={"ToAddresses": list(to)},
            Content={
                "Simple": {"Subject": {"Data": subject}, "Body": {"Text": {"Data": "Hi there"}}}
            },
            ConfigurationSetName=set_name or self.set_name,
        )["MessageId"]
        return message_id

    def events(self, message_id: str, count: int, deadline: float = 30) -> list[dict[str, Any]]:
        """The event records of ``message_id`` that arrived at the topic's queue, once there
        are ``count`` of them (and a moment more for extras); each checked against its
        schema."""

        def mine() -> list[dict[str, Any]]:
            return [r for r in self.seen if r["mail"]["messageId"] == message_id]

        def read() -> list[dict[str, Any]]:
            for envelope in drain(self.peer, self.topic.queue_url, []):
                body = envelope["Message"]
                if body.startswith("{"):
                    self.seen.append(json.loads(body))
            return mine()

        eventually(read, lambda got: len(got) >= count, deadline=deadline)
        found = read()
        for record in found:
            assert schema_errors(record) == [], record
        return found

    def message(self, message_id: str) -> dict[str, Any]:
        response = httpx.get(f"{self.server.url}/_openses/messages/{message_id}")
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    def status(self, message_id: str, expected: str, deadline: float = 20) -> str:
        got: str = eventually(
            lambda: str(self.message(message_id)["status"]),
            lambda status: status == expected,
            deadline=deadline,
        )
        return got


@contextlib.contextmanager
def delivering(
    backend: str,
    tmp_path: Path,
    peer: AwsPeer,
    *,
    event_types: tuple[str, ...] = ("SEND", "DELIVERY", "BOUNCE", "DELIVERY_DELAY"),
    delivery_options: dict[str, Any] | None = None,
    inbound_smtp_port: int = 0,
    auto_verify_identities: bool = True,
    **delivery: Any,
) -> Iterator[Delivering]:
    """openses delivering with FAST settings changed by ``delivery``; ``dns_servers``
    (``host:port`` texts) is the top-level setting the MX lookups use; ``inbound_smtp_port``
    turns the inbound listener on at exactly that port (for a peer told it beforehand)."""
    dns_servers = parse_dns_servers(",".join(delivery.pop("dns_servers", ())))
    with database_url(backend, str(tmp_path)) as url:
        settings = Settings(
            database_url=url,
            aws_endpoint_url=peer.url,
            publish=FAST_PUBLISH,
            delivery=dataclasses.replace(FAST, **delivery),
            dns_servers=dns_servers,
            inbound_smtp_port=inbound_smtp_port,
            auto_verify_identities=auto_verify_identities,
        )
        app = None
        if inbound_smtp_port:  # built here, so serve_in_thread keeps that port as it is
            settings = dataclasses.replace(settings, smtp_port=0, smtps_port=0)
            app = create_app(settings)
        with serve_in_thread(settings, app) as server:
            sesv2 = server.client("sesv2")
            domain = f"{unique('d')}.example.com"
            sesv2.create_email_identity(EmailIdentity=domain)
            set_name = unique("set")
            topic = topic_with_queue(peer)
            sesv2.create_configuration_set(
                ConfigurationSetName=set_name, DeliveryOptions=delivery_options or {}
            )
            sesv2.create_configuration_set_event_destination(
                ConfigurationSetName=set_name,
                EventDestinationName="sns",
                EventDestination={
                    "Enabled": True,
                    "MatchingEventTypes": list(event_types),
                    "SnsDestination": {"TopicArn": topic.arn},
                },
            )
            # the topic's validation message is not an event
            collect(peer, topic.queue_url, 1)
            yield Delivering(server, peer, domain, set_name, topic)


def by_type(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        found.setdefault(record["eventType"], []).append(record)
    return found
