"""The seam between the delivery worker and the SMTP code: envelopes in, per-recipient results
out (domain/delivery_attempt.py). Tests may put any MailTransport behind the worker; openses
uses delivery/smtp.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from openses.delivery.routes import Route
from openses.domain.delivery_attempt import Attempt, Envelope


class MailTransport(Protocol):
    def deliver(self, route: Route, envelopes: Sequence[Envelope]) -> list[Attempt]:
        """One attempt for each envelope, in any order; never raises for a peer's fault."""
        ...
