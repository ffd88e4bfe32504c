"""The inbound SMTP listener (issue 16, OPENSES_INBOUND_SMTP_PORT): mail from other MTAs, no
AUTH, STARTTLS offered but not required. Each envelope recipient is routed once, by ``route``:
a return path openses used or the feedback address is a return (services/returns.py), anything
else goes to receiving (``receiving_recipient``, which the receipt rules take over).

A return is always taken (250) once readable as SMTP: a return that matches nothing is kept,
never refused, since refusing a bounce starts a bounce loop. Only a failure of openses itself
answers 451, for the peer to try again later.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from aiosmtpd.smtp import SMTP, Envelope, Session

from openses.domain.clock import Clock
from openses.services import returns
from openses.services.return_path import message_id_from_return_path
from openses.smtp import replies
from openses.smtp.handler import Runner, Sources, peer_ip

log = logging.getLogger("openses.smtp")
# what a return may weigh: DSNs and ARF reports carry the original, which SES caps at 40 MB
MAX_RETURN_BYTES = 40 * 1024 * 1024
# the operation whose execution mode a return's unit of work runs in (a write)
OPERATION = "ReceiveReturn"
RECEIVING_UNAVAILABLE = "550 5.1.1 Mailbox does not exist"


class Route(StrEnum):
    RETURN = "return"
    RECEIVING = "receiving"


def route(address: str, *, feedback_address: str | None) -> Route:
    """A return path openses made (``<message id>@<domain>``, whatever the domain: a custom
    MAIL FROM domain is the customer's) or the feedback address is a return; else receiving."""
    bare = address.strip().removeprefix("<").removesuffix(">").lower()
    if feedback_address is not None and bare == feedback_address.lower():
        return Route.RETURN
    if message_id_from_return_path(bare) is not None:
        return Route.RETURN
    return Route.RECEIVING


def receiving_recipient(address: str) -> str:
    """The reply to RCPT TO for an address that is no return: receiving (receipt rule sets,
    issue 16 §3) answers here once it is joined in; until then, no such mailbox."""
    return RECEIVING_UNAVAILABLE


class InboundHandler:
    def __init__(
        self, runner: Runner, *, clock: Clock, feedback_address: str | None, off_loop: bool
    ) -> None:
        self._runner = runner
        self._clock = clock
        self._feedback_address = feedback_address
        self._off_loop = off_loop

    def routes(self, address: str) -> Route:
        return route(address, feedback_address=self._feedback_address)

    def is_return(self, address: str) -> bool:
        return self.routes(address) is Route.RETURN

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return replies.OK

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if self.routes(address) is Route.RECEIVING:
            return receiving_recipient(address)
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return replies.OK

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return await self.take(session, envelope)

    async def take(self, session: Session, envelope: Envelope) -> str:
        """Keep the return and record what it says; the submission port calls this too."""
        returned = returns.Returned(
            # the null reverse-path of a DSN (MAIL FROM:<>) is kept as ""
            mail_from=(envelope.mail_from or "").strip().removeprefix("<").removesuffix(">"),
            recipients=list(envelope.rcpt_tos),
            raw=envelope.original_content or b"",
            peer_ip=peer_ip(session),
        )
        now = self._clock()

        def receive(sources: Sources) -> returns.Receipt:
            return returns.receive(sources.writes, returned, now)

        try:
            receipt = await self._runner.run(OPERATION, receive, off_loop=self._off_loop)
        except Exception:
            log.exception("a return from %s could not be kept", returned.peer_ip)
            return replies.TEMPORARY_FAILURE
        log.info(
            "return %s from %s: %s%s",
            receipt.return_id,
            returned.peer_ip,
            receipt.outcome,
            f" (message {receipt.message_id})" if receipt.message_id else "",
        )
        return replies.OK
