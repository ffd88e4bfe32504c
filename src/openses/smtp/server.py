"""The SMTP submission listeners on the app's event loop: STARTTLS on OPENSES_SMTP_PORT, TLS
from the first byte on OPENSES_SMTPS_PORT, each off at port 0. One aiosmtpd ``SMTP`` protocol
per connection; TLS is required before AUTH and mail, as SES requires it."""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import ssl
from dataclasses import dataclass
from typing import AnyStr

from aiosmtpd.smtp import SMTP

from openses.smtp import replies
from openses.smtp.handler import MAX_MESSAGE_BYTES, SubmissionHandler
from openses.smtp.inbound import MAX_RETURN_BYTES, InboundHandler

log = logging.getLogger("openses.smtp")
HOSTNAME = "openses"
IDENT = "ESMTP openses"
# SES closes an idle connection after about 10 seconds (DG send-email-smtp-client-command-line.md);
# openses gives clients a minute.
IDLE_SECONDS = 60.0


class PortBusy(RuntimeError):
    """A listener's port is taken; the message names its setting."""


class SesSMTP(SMTP):
    """aiosmtpd's state machine, with SES's wording for the replies whose text it fixes."""

    async def push(self, status: AnyStr) -> None:
        if isinstance(status, str):
            status = replies.LIBRARY_REPLIES.get(status, status)
            if not self.enable_SMTPUTF8:
                await super().push(status.encode("ascii", "replace"))
                return
        await super().push(status)


@dataclass(frozen=True, slots=True)
class Listener:
    setting: str  # the variable that names the port, for the busy-port error
    port: int
    implicit_tls: bool
    inbound: bool = False  # the inbound listener (issue 16): no AUTH, STARTTLS optional


def check_ports(host: str, listeners: list[Listener]) -> None:
    """Raise PortBusy for the first listener whose port cannot be bound now, so that
    ``openses serve`` stops with one line before it starts anything."""
    for listener in listeners:
        if not listener.port:
            continue
        for family, kind, proto, _name, address in socket.getaddrinfo(
            host, listener.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        ):
            with socket.socket(family, kind, proto) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind(address)
                except OSError as error:
                    raise _busy(listener, error) from None


def _busy(listener: Listener, error: OSError) -> PortBusy:
    if error.errno == errno.EADDRINUSE:
        return PortBusy(f"{listener.setting}={listener.port}: the port is already in use")
    return PortBusy(f"{listener.setting}={listener.port}: {error.strerror}")


class SmtpServers:
    def __init__(
        self,
        host: str,
        listeners: list[Listener],
        handler: SubmissionHandler,
        tls: ssl.SSLContext,
        inbound: InboundHandler | None = None,
    ) -> None:
        self._host = host
        self._listeners = [
            listener
            for listener in listeners
            if listener.port and (inbound is not None or not listener.inbound)
        ]
        self._handler = handler
        self._inbound = inbound
        self._tls = tls
        self._servers: list[asyncio.Server] = []

    @property
    def listeners(self) -> list[Listener]:
        return list(self._listeners)

    def _protocol(self, listener: Listener) -> SesSMTP:
        if listener.inbound:
            assert self._inbound is not None
            return SesSMTP(
                self._inbound,
                hostname=HOSTNAME,
                ident=IDENT,
                data_size_limit=MAX_RETURN_BYTES,
                tls_context=self._tls,
                require_starttls=False,
                auth_require_tls=True,
                timeout=IDLE_SECONDS,
                loop=asyncio.get_running_loop(),
            )
        implicit_tls = listener.implicit_tls
        return SesSMTP(
            self._handler,
            hostname=HOSTNAME,
            ident=IDENT,
            data_size_limit=MAX_MESSAGE_BYTES,
            tls_context=None if implicit_tls else self._tls,
            require_starttls=not implicit_tls,
            # the implicit-TLS port is TLS from the first byte, which aiosmtpd cannot see
            auth_require_tls=not implicit_tls,
            authenticator=self._handler,
            timeout=IDLE_SECONDS,
            loop=asyncio.get_running_loop(),
        )

    async def start(self) -> None:
        # aiosmtpd logs every connection and command at INFO; openses logs what matters.
        logging.getLogger("mail.log").setLevel(logging.ERROR)
        loop = asyncio.get_running_loop()
        try:
            for listener in self._listeners:
                server = await loop.create_server(
                    lambda listener=listener: self._protocol(listener),
                    self._host,
                    listener.port,
                    ssl=self._tls if listener.implicit_tls else None,
                )
                self._servers.append(server)
                if listener.inbound:
                    log.info("SMTP inbound (returns) on %s:%s", self._host, listener.port)
                else:
                    kind = "TLS" if listener.implicit_tls else "STARTTLS"
                    log.info("SMTP submission (%s) on %s:%s", kind, self._host, listener.port)
        except OSError as error:
            await self.close()
            raise _busy(listener, error) from None

    async def close(self) -> None:
        servers, self._servers = self._servers, []
        for server in servers:
            server.close()
        for server in servers:
            try:
                await asyncio.wait_for(server.wait_closed(), 5)
            except TimeoutError:
                log.warning("SMTP connections still open at shutdown")
