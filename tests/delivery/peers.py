"""The other side of real delivery, on loopback: SMTP servers (aiosmtpd) that accept, greylist,
refuse, offer STARTTLS with a certificate from a test CA (trustme) or none, ask for AUTH, hang
or drop the connection; and a DNS server (dnslib) for mx mode.

A sink answers each recipient by its local part: ``reject-*`` gets ``550 5.1.1``, ``grey-*``
``451 4.7.1`` the first time and ``250`` after, ``full-*`` ``452 4.2.2``; anyone else ``250``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.dns_server import dns_server as shared_dns_server
from tests.support import free_port

ACCEPTED = "250 2.0.0 Ok: queued as 4XyZ"
REJECTED = "550 5.1.1 <{address}>: Recipient address rejected: User unknown"
GREYLISTED = "451 4.7.1 <{address}>: Recipient address rejected: Greylisted, try again"
MAILBOX_FULL = "452 4.2.2 <{address}>: Mailbox full"


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    data: bytes
    tls: bool
    login: str | None

    @property
    def message(self) -> Message:
        return message_from_bytes(self.data)


@dataclass
class Behaviour:
    seen: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


class _Handler:
    def __init__(self, behaviour: Behaviour, data_delay: float = 0.0) -> None:
        self.behaviour = behaviour
        self.data_delay = data_delay

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        local = address.partition("@")[0]
        if local.startswith("reject-"):
            return REJECTED.format(address=address)
        if local.startswith("full-"):
            return MAILBOX_FULL.format(address=address)
        if local.startswith("grey-") and address not in self.behaviour.seen:
            self.behaviour.seen.add(address)
            return GREYLISTED.format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        auth: Any = session.auth_data
        login = auth.login.decode() if session.authenticated and auth is not None else None
        self.behaviour.received.append(
            Received(
                mail_from=str(envelope.mail_from),
                recipients=list(envelope.rcpt_tos),
                data=_as_bytes(envelope.original_content or envelope.content or b""),
                # STARTTLS sets session.ssl; an implicit-TLS transport carries its ssl object
                tls=session.ssl is not None
                or (
                    server.transport is not None
                    and server.transport.get_extra_info("ssl_object") is not None
                ),
                login=login,
            )
        )
        return ACCEPTED


def _as_bytes(content: bytes | str) -> bytes:
    return content.encode() if isinstance(content, str) else bytes(content)


class _Authenticator:
    def __init__(self, behaviour: Behaviour, user: str, password: str) -> None:
        self.behaviour, self.user, self.password = behaviour, user, password

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = data.login.decode(), data.password.decode()
        self.behaviour.logins.append((mechanism, login))
        ok = login == self.user and password == self.password
        return AuthResult(success=ok, handled=False, auth_data=data if ok else None)


class Sink:
    """An aiosmtpd server on ``host``:``port`` (a free port by default)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        starttls: ssl.SSLContext | None = None,
        implicit_tls: ssl.SSLContext | None = None,
        credentials: tuple[str, str] | None = None,
        auth_mechanisms_excluded: tuple[str, ...] = (),
        data_delay: float = 0.0,
    ) -> None:
        self.host = host
        self.port = port or free_port()
        self.behaviour = Behaviour()
        kwargs: dict[str, Any] = {}
        if starttls is not None:
            kwargs["tls_context"] = starttls
        if implicit_tls is not None:
            kwargs["ssl_context"] = implicit_tls
            kwargs["server_hostname"] = "localhost"
        if credentials is not None:
            kwargs["authenticator"] = _Authenticator(self.behaviour, *credentials)
            kwargs["auth_require_tls"] = starttls is not None and implicit_tls is None
            kwargs["auth_exclude_mechanism"] = list(auth_mechanisms_excluded)
        self._controller = Controller(
            _Handler(self.behaviour, data_delay), hostname=host, port=self.port, **kwargs
        )

    @property
    def received(self) -> list[Received]:
        return self.behaviour.received

    def message_ids(self) -> list[str]:
        """The SES message id of each message received, in order (repeats included)."""
        return [str(r.message["Message-ID"]).strip("<>").split("@")[0] for r in list(self.received)]

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> Sink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


@contextlib.contextmanager
def sink(**kwargs: Any) -> Iterator[Sink]:
    running = Sink(**kwargs).start()
    try:
        yield running
    finally:
        running.stop()


class Misbehaving:
    """A TCP peer that accepts and then hangs (no greeting) or drops the connection after its
    greeting."""

    def __init__(self, mode: str, host: str = "127.0.0.1") -> None:
        self.mode = mode
        self.connections = 0
        self._server = socket.create_server((host, 0))
        self.host = host
        self.port = int(self._server.getsockname()[1])
        self._held: list[socket.socket] = []
        self._closed = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def _serve(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            if self.mode == "hang":
                self._held.append(connection)
            else:
                with contextlib.suppress(OSError):
                    connection.sendall(b"220 flaky.example.test ESMTP\r\n")
                    connection.recv(1024)  # EHLO
                connection.close()

    def close(self) -> None:
        self._closed.set()
        self._server.close()
        for connection in self._held:
            connection.close()


class CertificateAuthority:
    """A test CA and server contexts with certificates it issued."""

    def __init__(self) -> None:
        self.ca = trustme.CA()

    def server_context(self, *names: str) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(*(names or ("localhost", "127.0.0.1"))).configure_cert(context)
        return context

    def write_pem(self, path: str) -> str:
        self.ca.cert_pem.write_to_path(path)
        return path


@contextlib.contextmanager
def dns_server(lines: list[str]) -> Iterator[str]:
    """tests/dns_server.py's server answering from zone-file ``lines``; yields
    ``127.0.0.1:port``, as OPENSES_DNS_SERVERS takes it."""
    with shared_dns_server() as (zone, port):
        zone.load(lines)
        yield f"127.0.0.1:{port}"
