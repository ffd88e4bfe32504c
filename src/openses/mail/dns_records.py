"""DNS look-ups for the identity checks (issue 15): TXT and MX records through dnspython, at
the servers of ``OPENSES_DNS_SERVERS`` (``host[:port],...``) or the system's resolver.
Blocking: callers run it in a thread, never on the event loop."""

from __future__ import annotations

from collections.abc import Sequence

import dns.exception
import dns.name
import dns.nameserver
import dns.resolver


class RecordNotFound(Exception):
    """The name or the record type does not exist (a definite answer)."""


class LookupFailed(Exception):
    """No definite answer: a timeout, SERVFAIL, no server reachable."""


def resolver(
    servers: Sequence[tuple[str, int]], *, lifetime: float, timeout: float
) -> dns.resolver.Resolver:
    """A resolver asking ``servers`` (OPENSES_DNS_SERVERS), or the system's when there are
    none; ``timeout`` per server, ``lifetime`` for a whole look-up. The identity checks and
    the MX look-ups of delivery (delivery/mx.py) both resolve through one of these."""
    made = dns.resolver.Resolver(configure=not servers)
    if servers:
        made.nameservers = [dns.nameserver.Do53Nameserver(host, port) for host, port in servers]
    made.timeout = timeout
    made.lifetime = lifetime
    return made


class DnsRecords:
    def __init__(self, servers: Sequence[tuple[str, int]] = (), *, timeout: float = 3.0) -> None:
        self._resolver = resolver(servers, lifetime=timeout, timeout=timeout)

    def txt(self, name: str) -> list[str]:
        """Each TXT record's strings, joined."""
        answer = self._resolve(name, "TXT")
        return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]

    def mx(self, name: str) -> list[tuple[int, str]]:
        """(preference, exchange) pairs, exchanges without the final dot."""
        answer = self._resolve(name, "MX")
        return [
            (int(record.preference), record.exchange.to_text(omit_final_dot=True).lower())
            for record in answer
        ]

    def _resolve(self, name: str, kind: str) -> dns.resolver.Answer:
        try:
            return self._resolver.resolve(dns.name.from_text(name), kind, search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer) as exc:
            raise RecordNotFound(f"{kind} {name}: {exc}") from None
        except (dns.exception.DNSException, OSError) as exc:
            raise LookupFailed(f"{kind} {name}: {exc}") from None
