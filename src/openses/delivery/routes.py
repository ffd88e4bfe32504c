"""Outbound routes: where a message leaves openses for.

The default route follows the delivery mode: ``relay`` sends everything to the smarthost of
``OPENSES_SMTP_RELAY`` (``smtp://`` with STARTTLS when offered, ``smtps://`` with implicit TLS,
``user:pass@`` for AUTH PLAIN/LOGIN), ``mx`` to each recipient domain's MX hosts.
``OPENSES_POOL_ROUTES`` gives a sending pool its own route (``pool=URL;pool2=URL``, with
``?bind=IP`` for the source address); a pool without one uses the default route. A pool route
may also be ``mx://`` (direct delivery, e.g. from another bound address).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT = "default"
RELAY_SCHEMES = {"smtp": 25, "smtps": 465}


class RouteError(ValueError):
    """A route setting openses cannot use; the message names the setting and the value."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    name: str
    # "smtp" / "smtps": a relay at host:port; "mx": each recipient domain's MX hosts
    scheme: str
    host: str | None = None
    port: int | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    bind: str | None = None

    @property
    def direct(self) -> bool:
        return self.scheme == "mx"

    @property
    def implicit_tls(self) -> bool:
        return self.scheme == "smtps"


def parse_url(name: str, url: str, *, setting: str) -> Route:
    """``smtp://[user:pass@]host[:port][?bind=IP]``, ``smtps://...`` or ``mx://[?bind=IP]``."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise RouteError(f"{setting}: {url!r} is not a URL ({error})") from None
    scheme = parts.scheme.lower()
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"bind"})
    if unknown:
        raise RouteError(f"{setting}: {url!r} has unknown parameters {', '.join(unknown)}")
    bind = query["bind"][-1] if "bind" in query else None
    if scheme == "mx":
        if parts.hostname or parts.username:
            raise RouteError(f"{setting}: {url!r}: an mx:// route takes no host or user")
        return Route(name=name, scheme="mx", bind=bind)
    if scheme not in RELAY_SCHEMES:
        raise RouteError(
            f"{setting}: {url!r}: the scheme must be smtp:// (STARTTLS when offered), "
            "smtps:// (implicit TLS) or mx://"
        )
    if not parts.hostname:
        raise RouteError(f"{setting}: {url!r} names no host")
    if (parts.username is None) != (parts.password is None):
        raise RouteError(f"{setting}: {url!r}: give both user and password, or neither")
    return Route(
        name=name,
        scheme=scheme,
        host=parts.hostname,
        port=port or RELAY_SCHEMES[scheme],
        username=unquote(parts.username) if parts.username is not None else None,
        password=unquote(parts.password) if parts.password is not None else None,
        bind=bind,
    )


def parse_pool_routes(text: str) -> dict[str, Route]:
    """``marketing=smtp://relay1:25?bind=10.0.0.5;alerts=smtps://relay2:465``."""
    routes: dict[str, Route] = {}
    for item in text.split(";"):
        if not item.strip():
            continue
        pool, equals, url = item.partition("=")
        pool = pool.strip()
        if not equals or not pool or not url.strip():
            raise RouteError(f"OPENSES_POOL_ROUTES: {item.strip()!r} is not POOL=URL")
        if pool in routes:
            raise RouteError(f"OPENSES_POOL_ROUTES: pool {pool!r} has two routes")
        routes[pool] = parse_url(pool, url, setting="OPENSES_POOL_ROUTES")
    return routes


@dataclass(frozen=True, slots=True)
class RouteTable:
    default: Route
    pools: Mapping[str, Route] = field(default_factory=dict)

    def name_for(self, pool: str | None) -> str:
        """The route a set's SendingPoolName leaves by, as the queue records it."""
        return pool if pool is not None and pool in self.pools else DEFAULT

    def get(self, name: str) -> Route:
        """By recorded name; a route removed from the settings since falls back to the
        default one."""
        return self.pools.get(name, self.default)


def table(mode: str, smtp_relay: str | None, pool_routes: str) -> RouteTable:
    """The routes of the settings; RouteError for a value that cannot work."""
    if mode == "relay":
        if not smtp_relay:
            raise RouteError("OPENSES_DELIVERY_MODE=relay needs OPENSES_SMTP_RELAY")
        default = parse_url(DEFAULT, smtp_relay, setting="OPENSES_SMTP_RELAY")
        if default.direct:
            raise RouteError("OPENSES_SMTP_RELAY must be an smtp:// or smtps:// URL")
    else:
        default = Route(name=DEFAULT, scheme="mx")
    return RouteTable(default, parse_pool_routes(pool_routes))
