"""Issue 15, the send side of real delivery: in relay and mx mode an accepted message's ordinary
recipients go into the delivery queue, in the send's own transaction, instead of receiving the
immediate Delivery that capture mode records.

``Outbound`` is built once from the settings (app.py, via delivery/bootstrap.py) and handed to
the send path; ``CAPTURE`` is today's behaviour.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from openses.domain.configuration_set import ConfigurationSet
from openses.domain.identity import EmailIdentity
from openses.domain.mailbox import address_of
from openses.domain.options import TlsPolicy
from openses.services import return_path
from openses.store.deliveries import NewDelivery
from openses.store.unit_of_work import UnitOfWork

# AWS's MaxDeliverySeconds ceiling (botocore sesv2: 300..50400); its default is undocumented,
# docs/aws-behaviour.md says why openses takes the ceiling.
DEFAULT_MAX_DELIVERY_SECONDS = 50_400


@dataclass(frozen=True, slots=True, kw_only=True)
class Outbound:
    real: bool = False
    # mx mode: one queue row per recipient domain; relay: one per route
    direct: bool = False
    max_delivery_seconds: int = DEFAULT_MAX_DELIVERY_SECONDS
    # pools with a route of their own (OPENSES_POOL_ROUTES), and whether each goes direct
    pool_routes: dict[str, bool] = field(default_factory=dict)
    # the envelope sender's domain without a custom MAIL FROM (OPENSES_RETURN_PATH_DOMAIN)
    return_path_domain: str | None = None

    def route_for(self, configuration_set: ConfigurationSet | None) -> tuple[str, bool]:
        """The route name the queue records for a set, and whether that route goes to MX."""
        pool = configuration_set.delivery_options.sending_pool_name if configuration_set else None
        if pool is not None and pool in self.pool_routes:
            return pool, self.pool_routes[pool]
        return "default", self.direct

    def enqueue(
        self,
        uow: UnitOfWork,
        *,
        message_id: str,
        identity: EmailIdentity | None,
        configuration_set: ConfigurationSet | None,
        recipients: Sequence[str],
        accepted_at: datetime.datetime,
    ) -> None:
        """Queue ``recipients`` for delivery: one row for the route, or one per recipient
        domain when the route goes straight to the MX hosts. Runs in the send's unit of work.
        ``identity`` None: mail of SES's own (its verification email), sent through no identity
        of the account, with openses' own return path."""
        if not recipients:
            return
        route, direct = self.route_for(configuration_set)
        options = configuration_set.delivery_options if configuration_set else None
        seconds = (options.max_delivery_seconds if options else None) or self.max_delivery_seconds
        tls_required = options is not None and options.tls_policy is TlsPolicy.REQUIRE
        groups: dict[str | None, list[str]] = {}
        for named in recipients:
            recipient = address_of(named) or named
            domain = recipient.rpartition("@")[2].lower() if direct else None
            groups.setdefault(domain, []).append(recipient)
        if identity is None:
            domain = return_path.default_domain(self.return_path_domain, uow.region)
            mail_from = f"{message_id}@{domain}"
        else:
            mail_from = return_path.envelope_sender_for(
                uow, identity, message_id, default_return_domain=self.return_path_domain
            )
        uow.deliveries.add(
            [
                NewDelivery(
                    message_id=message_id,
                    configuration_set=configuration_set.name if configuration_set else None,
                    identity=identity.name if identity is not None else "",
                    route=route,
                    domain=domain,
                    mail_from=mail_from,
                    recipients=group,
                    tls_required=tls_required,
                    expires_at=accepted_at + datetime.timedelta(seconds=seconds),
                )
                for domain, group in groups.items()
            ],
            accepted_at,
        )


CAPTURE = Outbound()
