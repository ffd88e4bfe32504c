"""The mail hosts of a recipient domain, as RFC 5321 section 5.1 finds them: its MX records in
preference order, or the domain itself (its A/AAAA records) when it has none; a null MX
(RFC 7505) means the domain takes no mail. Resolved with dnspython, through
``OPENSES_DNS_SERVERS`` when set, else the system's resolver."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dns.exception
import dns.rdatatype
import dns.resolver

from openses.domain import smtp_reply as outcomes
from openses.domain.smtp_reply import Reply
from openses.mail import dns_records


@dataclass(frozen=True, slots=True)
class MailHost:
    name: str
    preference: int
    addresses: tuple[str, ...]


class Unroutable(Exception):
    """No mail host to try now; the reply says why (temporary, or a permanent null MX)."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.line)
        self.reply = reply


class MxResolver:
    def __init__(self, servers: Sequence[tuple[str, int]] = (), *, timeout: float = 10.0) -> None:
        self._resolver = dns_records.resolver(servers, lifetime=timeout, timeout=min(timeout, 5.0))

    def mail_hosts(self, domain: str) -> list[MailHost]:
        """The hosts to try, best first, each with its addresses (IPv4 first); Unroutable
        when there is none."""
        try:
            answer = self._resolver.resolve(domain, "MX")
            records = sorted(
                ((int(r.preference), r.exchange.to_text(omit_final_dot=True)) for r in answer),
                key=lambda pair: pair[0],
            )
        except dns.resolver.NXDOMAIN:
            raise Unroutable(outcomes.NO_DOMAIN) from None
        except dns.resolver.NoAnswer:
            records = [(0, domain)]  # no MX: the domain is its own mail host
        except dns.exception.DNSException:
            raise Unroutable(outcomes.DNS_FAILED) from None
        if any(name in ("", ".") for _, name in records):
            raise Unroutable(outcomes.NULL_MX)
        hosts = [MailHost(name, pref, self._addresses(name)) for pref, name in records]
        hosts = [host for host in hosts if host.addresses]
        if not hosts:
            raise Unroutable(outcomes.NO_MAIL_HOST)
        return hosts

    def _addresses(self, name: str) -> tuple[str, ...]:
        found: list[str] = []
        for kind in (dns.rdatatype.A, dns.rdatatype.AAAA):
            try:
                found.extend(r.to_text() for r in self._resolver.resolve(name, kind))
            except dns.exception.DNSException:
                continue
        return tuple(found)
