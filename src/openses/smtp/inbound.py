"""The inbound SMTP listener of email receiving (OPENSES_INBOUND_SMTP_PORT): mail for the
recipients of the active receipt rule set, as SES's inbound-smtp endpoint takes it. No AUTH;
STARTTLS offered with the submission ports' certificate. Mail is the default account's, in
OPENSES_SMTP_REGION. Each step's database and AWS work runs in a thread."""

from __future__ import annotations

import asyncio
import logging
import ssl

from aiosmtpd.smtp import SMTP, Envelope, Session

from openses.services.receipt_actions import InboundEnvelope
from openses.services.receiving import FAILED, Receiver
from openses.smtp.handler import MAX_MESSAGE_BYTES
from openses.smtp.server import HOSTNAME, IDLE_SECONDS, Listener, _busy

log = logging.getLogger("openses.smtp")
SETTING = "OPENSES_INBOUND_SMTP_PORT"


class InboundHandler:
    def __init__(self, receiver: Receiver, account_id: str, region: str) -> None:
        self._receiver = receiver
        self._account_id = account_id
        self._region = region

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        refused = await asyncio.to_thread(
            self._receiver.ip_reply, self._account_id, self._region, _peer_ip(session)
        )
        if refused is not None:
            return refused
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        refused = await asyncio.to_thread(
            self._receiver.recipient_reply,
            self._account_id,
            self._region,
            address,
            tls=session.ssl is not None,
        )
        if refused is not None:
            return refused
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        inbound = InboundEnvelope(
            source=envelope.mail_from or "",
            recipients=list(envelope.rcpt_tos),
            remote_ip=_peer_ip(session),
            tls=session.ssl is not None,
            helo=session.host_name or "",
        )
        try:
            return await asyncio.to_thread(
                self._receiver.receive,
                self._account_id,
                self._region,
                inbound,
                envelope.original_content or b"",
            )
        except Exception:
            log.exception("inbound mail from %s failed", inbound.remote_ip)
            return FAILED


class InboundServer:
    def __init__(self, host: str, port: int, handler: InboundHandler, tls: ssl.SSLContext) -> None:
        self._host = host
        self.listener = Listener(SETTING, port, implicit_tls=False)
        self._handler = handler
        self._tls = tls
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()

        def protocol() -> SMTP:
            return SMTP(
                self._handler,
                hostname=HOSTNAME,
                ident="ESMTP openses inbound",
                data_size_limit=MAX_MESSAGE_BYTES,
                tls_context=self._tls,
                require_starttls=False,
                auth_require_tls=False,
                timeout=IDLE_SECONDS,
                loop=loop,
            )

        try:
            self._server = await loop.create_server(protocol, self._host, self.listener.port)
        except OSError as error:
            raise _busy(self.listener, error) from None
        log.info("inbound SMTP (receiving) on %s:%s", self._host, self.listener.port)

    async def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            try:
                await asyncio.wait_for(server.wait_closed(), 5)
            except TimeoutError:
                log.warning("inbound SMTP connections still open at shutdown")


def _peer_ip(session: Session) -> str:
    peer = session.peer
    if isinstance(peer, tuple) and peer:
        return str(peer[0])
    return str(peer or "")
