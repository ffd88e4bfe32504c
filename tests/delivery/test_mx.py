"""mx mode: each recipient domain's MX hosts in preference order, the A/AAAA fallback, null MX,
a domain that does not exist, TLS verified against the MX host's name, and pool routes; names
resolved through a local DNS server (OPENSES_DNS_SERVERS)."""

from __future__ import annotations

from pathlib import Path

from tests.delivery.conftest import by_type, delivering
from tests.delivery.peers import CertificateAuthority, dns_server, sink
from tests.peer import AwsPeer
from tests.support import free_port

ZONE = [
    # two MX hosts: the preferred one refuses connections (nothing listens on 127.0.0.2)
    "one.test. 60 IN MX 10 mx1.one.test.",
    "one.test. 60 IN MX 20 mx2.one.test.",
    "mx1.one.test. 60 IN A 127.0.0.2",
    "mx2.one.test. 60 IN A 127.0.0.3",
    # no MX: the domain's own address
    "two.test. 60 IN A 127.0.0.3",
    # null MX (RFC 7505)
    "nomail.test. 60 IN MX 0 .",
    # STARTTLS with a certificate for the MX host's name
    "secure.test. 60 IN MX 10 mx.secure.test.",
    "mx.secure.test. 60 IN A 127.0.0.4",
]


def test_mx_preference_order_fallback_and_one_transaction_per_domain(
    backend: str, tmp_path: Path, peer: AwsPeer
) -> None:
    port = free_port()
    with (
        dns_server(ZONE) as dns,
        sink(host="127.0.0.3", port=port) as mx2,
        delivering(backend, tmp_path, peer, mode="mx", dns_servers=(dns,), mx_port=port) as live,
    ):
        message_id = live.send("ann@one.test", "bob@one.test", "cat@two.test")
        records = by_type(live.events(message_id, 3))
        assert live.status(message_id, "delivered") == "delivered"
    assert sorted(r.recipients for r in mx2.received) == [
        ["ann@one.test", "bob@one.test"],
        ["cat@two.test"],
    ]
    deliveries = sorted(r["delivery"]["recipients"] for r in records["Delivery"])
    assert deliveries == [["ann@one.test", "bob@one.test"], ["cat@two.test"]]
    assert {r["delivery"]["remoteMtaIp"] for r in records["Delivery"]} == {"127.0.0.3"}


def test_null_mx_bounces_and_unknown_domain_is_delayed(
    backend: str, tmp_path: Path, peer: AwsPeer
) -> None:
    with (
        dns_server(ZONE) as dns,
        delivering(
            backend, tmp_path, peer, mode="mx", dns_servers=(dns,), mx_port=free_port()
        ) as live,
    ):
        message_id = live.send("ann@nomail.test", "bob@missing.test")
        records = by_type(live.events(message_id, 3))
    bounce = records["Bounce"][0]["bounce"]
    assert (bounce["bounceType"], bounce["bounceSubType"]) == ("Permanent", "General")
    assert bounce["bouncedRecipients"] == [
        {
            "emailAddress": "ann@nomail.test",
            "action": "failed",
            "status": "5.1.10",
            "diagnosticCode": "smtp; 556 5.1.10 Recipient address has null MX",
        }
    ]
    delay = records["DeliveryDelay"][0]["deliveryDelay"]
    assert (delay["delayType"], delay["delayedRecipients"]) == (
        "General",
        [
            {
                "emailAddress": "bob@missing.test",
                "status": "4.4.4",
                "diagnosticCode": "smtp; 450 4.4.4 Unable to route: the recipient domain "
                "does not exist",
            }
        ],
    )


def test_require_tls_to_mx_verifies_the_mx_host_name(
    backend: str, tmp_path: Path, peer: AwsPeer, test_ca: CertificateAuthority, ca_file: str
) -> None:
    port = free_port()
    context = test_ca.server_context("mx.secure.test")
    with (
        dns_server(ZONE) as dns,
        sink(host="127.0.0.4", port=port, starttls=context) as mx,
        (
            delivering(
                backend,
                tmp_path,
                peer,
                mode="mx",
                dns_servers=(dns,),
                mx_port=port,
                smtp_ca_file=ca_file,
                delivery_options={"TlsPolicy": "REQUIRE"},
            )
        ) as live,
    ):
        message_id = live.send("ann@secure.test")
        assert live.status(message_id, "delivered") == "delivered"
    [received] = mx.received
    assert (received.recipients, received.tls) == (["ann@secure.test"], True)


def test_a_pool_with_a_route_leaves_through_it(backend: str, tmp_path: Path, peer: AwsPeer) -> None:
    with (
        sink() as default_relay,
        sink() as marketing_relay,
        delivering(
            backend,
            tmp_path,
            peer,
            smtp_relay=default_relay.url,
            pool_routes=f"marketing={marketing_relay.url}?bind=127.0.0.1;other=smtp://127.0.0.1:1",
        ) as live,
    ):
        # a set's SendingPoolName names a pool of the account's
        for pool in ("marketing", "no-route"):
            live.sesv2.create_dedicated_ip_pool(PoolName=pool)
        live.sesv2.create_configuration_set(
            ConfigurationSetName="marketing-set",
            DeliveryOptions={"SendingPoolName": "marketing"},
        )
        live.sesv2.create_configuration_set(
            ConfigurationSetName="unrouted-set",
            DeliveryOptions={"SendingPoolName": "no-route"},
        )
        pooled = live.send("ann@example.net", set_name="marketing-set")
        unrouted = live.send("bob@example.net", set_name="unrouted-set")
        plain = live.send("cat@example.net")
        for message_id in (pooled, unrouted, plain):
            assert live.status(message_id, "delivered") == "delivered"
    assert [r.recipients for r in marketing_relay.received] == [["ann@example.net"]]
    assert sorted(r.recipients for r in default_relay.received) == [
        ["bob@example.net"],
        ["cat@example.net"],
    ]
