"""A tiny authoritative DNS server on a loopback UDP port (dnslib), for the identity DNS
checks: records are set and removed while it runs. A name under ``servfail.`` answers
SERVFAIL; a name it has no record of answers NXDOMAIN."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from typing import Any

from dnslib import CNAME, MX, QTYPE, RCODE, RR, TXT
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from openses.config import Settings
from tests.support import LiveServer, database_url, serve_in_thread


class Zone(BaseResolver):  # type: ignore[misc]
    def __init__(self) -> None:
        self.records: dict[str, list[tuple[str, Any]]] = {}

    def txt(self, name: str, value: str) -> None:
        # A long value goes as several strings of up to 255 bytes, as DNS requires.
        chunks = [value[i : i + 255] for i in range(0, len(value), 255)]
        self.records.setdefault(name.lower(), []).append(("TXT", TXT(chunks)))

    def cname(self, name: str, target: str) -> None:
        self.records.setdefault(name.lower(), []).append(("CNAME", CNAME(target)))

    def mx(self, name: str, preference: int, exchange: str) -> None:
        self.records.setdefault(name.lower(), []).append(("MX", MX(exchange, preference)))

    def load(self, lines: list[str]) -> None:
        """Records given as zone-file lines (``one.test. 60 IN MX 10 mx1.one.test.``)."""
        for line in lines:
            for rr in RR.fromZone(line):
                name = str(rr.rname).rstrip(".").lower()
                self.records.setdefault(name, []).append((QTYPE[rr.rtype], rr.rdata))

    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        kind = QTYPE[request.q.qtype]
        if ".servfail." in f".{name}.":
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        if name not in self.records:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        for _ in range(8):  # follow CNAMEs within the zone
            found = self.records.get(name, [])
            aliases = [rdata for rtype, rdata in found if rtype == "CNAME"]
            if aliases and kind != "CNAME":
                reply.add_answer(RR(name, QTYPE.CNAME, rdata=aliases[0], ttl=60))
                name = str(aliases[0].label).rstrip(".").lower()
                continue
            for rtype, rdata in found:
                if rtype == kind:
                    reply.add_answer(RR(name, getattr(QTYPE, rtype), rdata=rdata, ttl=60))
            break
        return reply


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def dns_server() -> Iterator[tuple[Zone, int]]:
    zone = Zone()
    port = _free_udp_port()
    server = DNSServer(
        zone, address="127.0.0.1", port=port, logger=DNSLogger("-", logf=lambda _: None)
    )
    server.start_thread()
    try:
        yield zone, port
    finally:
        server.stop()
        server.server.server_close()


@contextlib.contextmanager
def pending_server(
    backend: str, tmp_dir: str, **settings: Any
) -> Iterator[tuple[LiveServer, Zone]]:
    """A live server that leaves identities pending, asking its own DNS server (the zone)."""
    with dns_server() as (zone, port), database_url(backend, tmp_dir) as url:
        config = Settings(
            database_url=url,
            auto_verify_identities=False,
            validate_destinations=False,
            dispatch_events=False,
            dns_servers=(("127.0.0.1", port),),
            **settings,
        )
        with serve_in_thread(config) as live:
            yield live, zone
