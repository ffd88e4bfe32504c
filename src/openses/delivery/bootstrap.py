"""Issue 15's collaborators, built once from the settings: the send path's Outbound, and the
delivery worker with its routes, resolver and SMTP transport. app.py and ``openses worker``
call these; nothing here is kept at module level."""

from __future__ import annotations

import socket
from collections.abc import Sequence

from sqlalchemy import Engine

from openses.config import DELIVERY_MODES, DeliverySettings
from openses.delivery import routes as route_settings
from openses.delivery.mx import MxResolver
from openses.delivery.routes import RouteError, RouteTable
from openses.delivery.smtp import SmtpTransport
from openses.delivery.transport import MailTransport
from openses.delivery.worker import DeliveryWorker
from openses.services.outbound import Outbound
from openses.store.outbox import CommitSignal


class DeliverySettingsError(ValueError):
    """Delivery settings openses cannot run with; the message names the setting."""


def route_table(settings: DeliverySettings) -> RouteTable:
    if settings.mode not in DELIVERY_MODES:
        raise DeliverySettingsError(
            f"OPENSES_DELIVERY_MODE={settings.mode!r}: expected one of {', '.join(DELIVERY_MODES)}"
        )
    # Unlike a set's MaxDeliverySeconds (300..50400), the default may be shorter: tests.
    if settings.max_delivery_seconds <= 0:
        raise DeliverySettingsError(
            f"OPENSES_DELIVERY_MAX_SECONDS={settings.max_delivery_seconds}: must be positive"
        )
    if settings.retry_base_seconds <= 0 or settings.retry_max_seconds < settings.retry_base_seconds:
        raise DeliverySettingsError(
            "OPENSES_DELIVERY_RETRY_BASE_SECONDS must be positive and no more than "
            "OPENSES_DELIVERY_RETRY_MAX_SECONDS"
        )
    try:
        return route_settings.table(settings.mode, settings.smtp_relay, settings.pool_routes)
    except RouteError as error:
        raise DeliverySettingsError(str(error)) from None


def outbound(settings: DeliverySettings, *, return_path_domain: str | None = None) -> Outbound:
    """What the send path needs to know; raises DeliverySettingsError for bad settings."""
    table = route_table(settings)
    if not settings.sends_for_real:
        return Outbound(max_delivery_seconds=settings.max_delivery_seconds)
    return Outbound(
        real=True,
        direct=table.default.direct,
        max_delivery_seconds=settings.max_delivery_seconds,
        pool_routes={name: route.direct for name, route in table.pools.items()},
        return_path_domain=return_path_domain,
    )


def hostname(settings: DeliverySettings) -> str:
    return settings.smtp_hostname or socket.gethostname()


def transport(
    settings: DeliverySettings, dns_servers: Sequence[tuple[str, int]] = ()
) -> MailTransport:
    resolver = MxResolver(dns_servers, timeout=settings.timeout_seconds)
    return SmtpTransport(
        hostname=hostname(settings),
        timeout=settings.timeout_seconds,
        resolver=resolver,
        ca_file=settings.smtp_ca_file,
        mx_port=settings.mx_port,
    )


def worker(
    engine: Engine,
    settings: DeliverySettings,
    mail: MailTransport | None = None,
    *,
    dns_servers: Sequence[tuple[str, int]] = (),
    signal: CommitSignal | None = None,
) -> DeliveryWorker | None:
    """The worker, when it has anything to do: deliver (relay, mx) or forget old messages."""
    if not settings.worker or (not settings.sends_for_real and settings.retention_seconds is None):
        return None
    return DeliveryWorker(
        engine,
        settings,
        route_table(settings),
        mail if mail is not None else transport(settings, dns_servers),
        hostname=hostname(settings),
        signal=signal,
    )
