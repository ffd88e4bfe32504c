"""The inbound SMTP listener (issue 16, OPENSES_INBOUND_SMTP_PORT): mail from other MTAs, no
AUTH, STARTTLS offered but not required. Each envelope recipient is routed by ``route``: a
return path openses used (at a domain openses puts in MAIL FROM) or the feedback address is a
return (services/returns.py), anything else goes to email receiving (services/receiving.py:
the active receipt rule set of each account with a verified identity for the recipient, with
its IP filters, as SES's inbound-smtp endpoints).

A return is always taken (250) once readable as SMTP: a return that matches nothing is kept,
never refused, since refusing a bounce starts a bounce loop. Only a failure of openses itself
answers 451, for the peer to try again later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from enum import StrEnum

from aiosmtpd.smtp import SMTP, Envelope, Session

from openses.services import returns
from openses.services.receipt_actions import InboundEnvelope
from openses.services.receiving import FAILED, NO_MAILBOX, Receiver
from openses.services.return_path import ReturnDomains, message_id_from_return_path
from openses.smtp import replies
from openses.smtp.handler import EnvelopeSteps, Sources, peer_ip
from openses.store.database import log_failure

log = logging.getLogger("openses.smtp")
# what a return may weigh: DSNs and ARF reports carry the original, which SES caps at 40 MB
MAX_RETURN_BYTES = 40 * 1024 * 1024
# the operation whose execution mode a return's unit of work runs in (a write)
OPERATION = "ReceiveReturn"


class Route(StrEnum):
    RETURN = "return"
    RECEIVING = "receiving"


def route(
    address: str, *, feedback_address: str | None, is_return_domain: Callable[[str], bool]
) -> Route:
    """The feedback address, or a return path openses made (``<message id>@<domain>``) at a
    domain openses uses in MAIL FROM (``is_return_domain``), is a return; else receiving."""
    bare = address.strip().removeprefix("<").removesuffix(">").lower()
    if feedback_address is not None and bare == feedback_address.lower():
        return Route.RETURN
    if message_id_from_return_path(bare) is not None and is_return_domain(bare.rpartition("@")[2]):
        return Route.RETURN
    return Route.RECEIVING


@dataclass(eq=False)
class InboundHandler(EnvelopeSteps):
    _: KW_ONLY
    feedback_address: str | None
    return_domains: ReturnDomains
    receiver: Receiver | None = None  # None: only returns are taken

    async def routes(self, address: str) -> Route:
        return await asyncio.to_thread(
            route,
            address,
            feedback_address=self.feedback_address,
            is_return_domain=self.return_domains.includes,
        )

    async def is_return(self, address: str) -> bool:
        return await self.routes(address) is Route.RETURN

    async def _refuse_recipient(
        self, session: Session, envelope: Envelope, address: str
    ) -> str | None:
        if await self.routes(address) is Route.RECEIVING:
            return await self._receiving_refusal(session, address)
        return None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        routed = [(a, await self.routes(a)) for a in envelope.rcpt_tos]
        taken = [a for a, r in routed if r is Route.RETURN]
        received = [a for a, r in routed if r is Route.RECEIVING]
        reply = replies.OK
        if taken:
            reply = await self.take(session, envelope, taken)
        if received and reply == replies.OK:
            reply = await self._receive(session, envelope, received)
        return reply

    async def _receiving_refusal(self, session: Session, address: str) -> str | None:
        """None when an account that owns ``address`` takes its mail from this peer (its IP
        filters, then its active rule set's recipients and TLS policy), else the refusal."""
        if self.receiver is None:
            return NO_MAILBOX
        _, refused = await asyncio.to_thread(
            self.receiver.takers, [address], peer_ip(session), tls=session.ssl is not None
        )
        return refused

    async def _receive(self, session: Session, envelope: Envelope, recipients: list[str]) -> str:
        """Each owning account receives the mail for its recipients, as its own message."""
        receiver = self.receiver
        assert receiver is not None  # RCPT refused receiving recipients without it
        remote_ip, tls = peer_ip(session), session.ssl is not None
        try:
            taken, refused = await asyncio.to_thread(
                receiver.takers, recipients, remote_ip, tls=tls
            )
            if not taken:  # the rules changed since RCPT TO
                return refused or NO_MAILBOX
            answers = []
            for owner, theirs in taken.items():
                inbound = InboundEnvelope(
                    source=envelope.mail_from or "",
                    recipients=theirs,
                    remote_ip=remote_ip,
                    tls=tls,
                    helo=session.host_name or "",
                )
                answers.append(
                    await asyncio.to_thread(
                        receiver.receive,
                        owner.account_id,
                        owner.region,
                        inbound,
                        envelope.original_content or b"",
                    )
                )
        except Exception as error:
            log_failure(log, f"inbound mail from {remote_ip} failed", error)
            return FAILED
        refusals = [answer for answer in answers if not answer.startswith("250")]
        return refusals[0] if refusals else answers[0]

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
        now = self.clock()

        def receive(sources: Sources) -> returns.Receipt:
            return returns.receive(sources.writes, returned, now)

        try:
            receipt = await self._run(OPERATION, receive)
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
