"""The inbound SMTP listener (issue 16, OPENSES_INBOUND_SMTP_PORT): mail from other MTAs, no
AUTH, STARTTLS offered but not required. Each envelope recipient is routed once, by ``route``:
a return path openses used or the feedback address is a return (services/returns.py), anything
else goes to email receiving (services/receiving.py: the active receipt rule set of the
default account, in OPENSES_SMTP_REGION, with its IP filters, as SES's inbound-smtp endpoint).

A return is always taken (250) once readable as SMTP: a return that matches nothing is kept,
never refused, since refusing a bounce starts a bounce loop. Only a failure of openses itself
answers 451, for the peer to try again later.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from enum import StrEnum

from aiosmtpd.smtp import SMTP, Envelope, Session

from openses.domain.clock import Clock
from openses.services import returns
from openses.services.receipt_actions import InboundEnvelope
from openses.services.receiving import FAILED, NO_MAILBOX, Receiver
from openses.services.return_path import message_id_from_return_path
from openses.smtp import replies
from openses.smtp.handler import Runner, Sources, peer_ip
from openses.store.database import log_failure

log = logging.getLogger("openses.smtp")
# what a return may weigh: DSNs and ARF reports carry the original, which SES caps at 40 MB
MAX_RETURN_BYTES = 40 * 1024 * 1024
# the operation whose execution mode a return's unit of work runs in (a write)
OPERATION = "ReceiveReturn"


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


@dataclass(frozen=True, slots=True)
class Receiving:
    """Email receiving's side of the listener: whose receipt rules take the mail."""

    receiver: Receiver
    account_id: str
    region: str


class InboundHandler:
    def __init__(
        self,
        runner: Runner,
        *,
        clock: Clock,
        feedback_address: str | None,
        off_loop: bool,
        receiving: Receiving | None = None,
    ) -> None:
        self._runner = runner
        self._clock = clock
        self._feedback_address = feedback_address
        self._off_loop = off_loop
        self._receiving = receiving  # None: only returns are taken

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
            refused = await self._receiving_refusal(session, address)
            if refused is not None:
                return refused
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return replies.OK

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        taken = [a for a in envelope.rcpt_tos if self.routes(a) is Route.RETURN]
        received = [a for a in envelope.rcpt_tos if self.routes(a) is Route.RECEIVING]
        reply = replies.OK
        if taken:
            reply = await self.take(session, envelope, taken)
        if received and reply == replies.OK:
            reply = await self._receive(session, envelope, received)
        return reply

    async def _receiving_refusal(self, session: Session, address: str) -> str | None:
        """None when the active receipt rule set takes mail for ``address`` from this peer
        (IP filters first, then the rules' recipients and TLS policy), else the refusal."""
        receiving = self._receiving
        if receiving is None:
            return NO_MAILBOX
        receiver, account_id, region = receiving.receiver, receiving.account_id, receiving.region
        refused = await asyncio.to_thread(receiver.ip_reply, account_id, region, peer_ip(session))
        if refused is not None:
            return refused
        return await asyncio.to_thread(
            receiver.recipient_reply, account_id, region, address, tls=session.ssl is not None
        )

    async def _receive(self, session: Session, envelope: Envelope, recipients: list[str]) -> str:
        receiving = self._receiving
        assert receiving is not None  # RCPT refused receiving recipients without it
        inbound = InboundEnvelope(
            source=envelope.mail_from or "",
            recipients=recipients,
            remote_ip=peer_ip(session),
            tls=session.ssl is not None,
            helo=session.host_name or "",
        )
        try:
            return await asyncio.to_thread(
                receiving.receiver.receive,
                receiving.account_id,
                receiving.region,
                inbound,
                envelope.original_content or b"",
            )
        except Exception as error:
            log_failure(log, f"inbound mail from {inbound.remote_ip} failed", error)
            return FAILED

    async def take(
        self, session: Session, envelope: Envelope, recipients: list[str] | None = None
    ) -> str:
        """Keep the return and record what it says; the submission port calls this too."""
        returned = returns.Returned(
            # the null reverse-path of a DSN (MAIL FROM:<>) is kept as ""
            mail_from=(envelope.mail_from or "").strip().removeprefix("<").removesuffix(">"),
            recipients=list(envelope.rcpt_tos if recipients is None else recipients),
            raw=envelope.original_content or b"",
            peer_ip=peer_ip(session),
        )
        now = self._clock()

        def receive(sources: Sources) -> returns.Receipt:
            return returns.receive(sources.writes, returned, now)

        try:
            receipt = await self._runner.run(OPERATION, receive, off_loop=self._off_loop)
        except Exception as error:
            log_failure(log, f"a return from {returned.peer_ip} could not be kept", error)
            return replies.TEMPORARY_FAILURE
        log.info(
            "return %s from %s: %s%s",
            receipt.return_id,
            returned.peer_ip,
            receipt.outcome,
            f" (message {receipt.message_id})" if receipt.message_id else "",
        )
        return replies.OK
