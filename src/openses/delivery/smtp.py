"""SMTP conversations (smtplib, one per worker thread at a time): to a relay, reusing one
connection for a batch of messages, or to a recipient domain's MX hosts in preference order.

TLS policy. REQUIRE: the mail goes only over TLS with a verified certificate (the system's CAs
plus ``OPENSES_SMTP_CA_FILE``); a peer without STARTTLS, or a certificate that fails
verification, is a temporary failure (the next MX host is tried, then the message is retried).
OPTIONAL, SES's opportunistic TLS: STARTTLS whenever offered, without certificate checks (an
unverifiable certificate still encrypts; see docs/aws-behaviour.md), and plaintext when the peer
offers none or the handshake fails. An ``smtps://`` relay is always verified: the operator
asked for TLS by name.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openses.delivery.mx import MailHost, MxResolver, Unroutable
from openses.delivery.routes import Route
from openses.domain import smtp_reply as outcomes
from openses.domain.clock import Clock, utc_now
from openses.domain.delivery_attempt import Attempt, Envelope, RecipientResult, Verdict
from openses.domain.smtp_reply import Reply

# at most this many messages over one relay connection before it is opened again
MESSAGES_PER_CONNECTION = 100


class _Client(smtplib.SMTP):
    """Connects to ``address`` while speaking to (and verifying) the host by its name."""

    def __init__(
        self,
        address: str | None,
        *,
        local_hostname: str,
        timeout: float,
        source_address: tuple[str, int] | None,
        **tls: Any,
    ) -> None:
        self._address = address
        super().__init__(
            local_hostname=local_hostname, timeout=timeout, source_address=source_address, **tls
        )

    def connect(
        self, host: str = "localhost", port: int = 0, source_address: Any = None
    ) -> tuple[int, bytes]:
        self._host = host  # STARTTLS verifies the certificate against this name
        return super().connect(host, port, source_address)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock: socket.socket = super()._get_socket(  # type: ignore[misc]
            self._address or host, port, timeout
        )
        return sock


class _TlsClient(_Client, smtplib.SMTP_SSL):
    """The same over implicit TLS (``context=`` is SMTP_SSL's): SMTP_SSL wraps the socket
    _Client opens to ``address`` and verifies the certificate against the host's name."""


class _Failed(Exception):
    """The connection is unusable; ``reply`` says why (a local failure or the peer's answer)."""

    def __init__(self, reply: Reply, *, verdict: Verdict = Verdict.DEFERRED) -> None:
        super().__init__(reply.line)
        self.reply = reply
        self.verdict = verdict


@dataclass(slots=True)
class _Session:
    client: smtplib.SMTP
    remote_ip: str | None
    local_ip: str | None
    sent: int = 0

    def close(self) -> None:
        try:
            self.client.quit()
        except (smtplib.SMTPException, OSError):
            self.client.close()


class SmtpTransport:
    """openses' MailTransport."""

    def __init__(
        self,
        *,
        hostname: str,
        timeout: float,
        resolver: MxResolver | None = None,
        ca_file: str | None = None,
        mx_port: int = 25,
        clock: Clock = utc_now,
    ) -> None:
        self._hostname = hostname
        self._timeout = timeout
        self._resolver = resolver
        self._mx_port = mx_port
        self._clock = clock
        self._verified = ssl.create_default_context()
        if ca_file:
            self._verified.load_verify_locations(cafile=ca_file)
        self._opportunistic = ssl.create_default_context()
        self._opportunistic.check_hostname = False
        self._opportunistic.verify_mode = ssl.CERT_NONE

    def deliver(self, route: Route, envelopes: Sequence[Envelope]) -> list[Attempt]:
        if route.direct:
            return [self._direct(route, envelope) for envelope in envelopes]
        attempts: list[Attempt] = []
        for required in (True, False):
            batch = [e for e in envelopes if e.tls_required is required]
            if batch:
                attempts.extend(self._relay(route, batch, required))
        return attempts

    # -- relay ----------------------------------------------------------------------------

    def _relay(self, route: Route, envelopes: Sequence[Envelope], required: bool) -> list[Attempt]:
        assert route.host is not None
        assert route.port is not None
        host, port = route.host, route.port
        attempts: list[Attempt] = []
        session: _Session | None = None
        try:
            for envelope in envelopes:
                if session is not None and session.sent >= MESSAGES_PER_CONNECTION:
                    session.close()
                    session = None
                if session is None:
                    try:
                        session = self._open(route, host, None, port, required=required)
                    except _Failed as failure:
                        attempts.append(self._all(envelope, failure.verdict, failure.reply))
                        continue
                attempt, usable = self._transaction(session, envelope)
                attempts.append(attempt)
                if not usable:
                    session.client.close()
                    session = None
        finally:
            if session is not None:
                session.close()
        return attempts

    # -- direct to MX ---------------------------------------------------------------------

    def _direct(self, route: Route, envelope: Envelope) -> Attempt:
        if self._resolver is None or envelope.domain is None:
            return self._all(envelope, Verdict.DEFERRED, outcomes.INTERNAL)
        try:
            hosts = self._resolver.mail_hosts(envelope.domain)
        except Unroutable as error:
            verdict = Verdict.BOUNCED if error.reply.permanent else Verdict.DEFERRED
            return self._all(envelope, verdict, error.reply)
        last = outcomes.CONNECT_FAILED
        for host, address in _candidates(hosts):
            try:
                session = self._open(
                    route, host.name, address, self._mx_port, required=envelope.tls_required
                )
            except _Failed as failure:
                if failure.verdict is Verdict.BOUNCED:
                    return self._all(envelope, failure.verdict, failure.reply)
                last = failure.reply
                continue
            try:
                attempt, _usable = self._transaction(session, envelope)
            finally:
                session.close()
            return attempt
        return self._all(envelope, Verdict.DEFERRED, last)

    # -- the conversation -----------------------------------------------------------------

    def _open(
        self, route: Route, host: str, address: str | None, port: int, *, required: bool
    ) -> _Session:
        """Connect, greet, negotiate TLS as the policy wants and log in; _Failed if the
        connection cannot carry the mail."""
        try:
            session = self._connect(route, host, address, port, required=required, tls=True)
        except _Failed as failure:
            if not failure.reply.text.startswith("4.7.5") or required or route.implicit_tls:
                raise
            # opportunistic TLS whose handshake failed: plaintext, as an MTA does
            session = self._connect(route, host, address, port, required=False, tls=False)
        if route.username is not None and route.password is not None:
            try:
                session.client.login(route.username, route.password)
            except smtplib.SMTPAuthenticationError as error:
                session.close()
                raise _Failed(
                    outcomes.relay_refused_login(error.smtp_code, error.smtp_error)
                ) from None
            except smtplib.SMTPNotSupportedError:
                session.close()
                raise _Failed(
                    outcomes.relay_refused_login(530, "5.7.0 The relay offers no AUTH")
                ) from None
            except (smtplib.SMTPException, OSError) as error:
                session.client.close()
                raise _Failed(_local_failure(error)) from None
        return session

    def _connect(
        self,
        route: Route,
        host: str,
        address: str | None,
        port: int,
        *,
        required: bool,
        tls: bool,
    ) -> _Session:
        source = (route.bind, 0) if route.bind else None
        client: smtplib.SMTP
        if route.implicit_tls:
            client = _TlsClient(
                address,
                local_hostname=self._hostname,
                timeout=self._timeout,
                source_address=source,
                context=self._verified,
            )
        else:
            client = _Client(
                address, local_hostname=self._hostname, timeout=self._timeout, source_address=source
            )
        try:
            code, message = client.connect(host, port)
            if code != 220:
                client.close()
                reply = outcomes.from_smtp(code, message)
                verdict = Verdict.BOUNCED if reply.permanent else Verdict.DEFERRED
                raise _Failed(reply, verdict=verdict)
            client.ehlo_or_helo_if_needed()
            secure = route.implicit_tls
            if tls and not secure and client.has_extn("starttls"):
                context = self._verified if required else self._opportunistic
                try:
                    client.starttls(context=context)
                except smtplib.SMTPResponseException:
                    pass  # STARTTLS refused: the session goes on in plaintext, if allowed
                else:
                    client.ehlo()
                    secure = True
            if required and not secure:
                client.close()
                raise _Failed(outcomes.TLS_NOT_OFFERED)
        except _Failed:
            raise
        except ssl.SSLError:
            client.close()
            raise _Failed(outcomes.TLS_FAILED) from None
        except smtplib.SMTPResponseException as error:
            client.close()
            reply = outcomes.from_smtp(error.smtp_code, error.smtp_error)
            raise _Failed(reply, verdict=_verdict(reply)) from None
        except (smtplib.SMTPException, OSError) as error:
            client.close()
            raise _Failed(_local_failure(error)) from None
        except BaseException:
            client.close()
            raise
        sock = client.sock
        remote_ip = local_ip = None
        if sock is not None:
            remote_ip, local_ip = str(sock.getpeername()[0]), str(sock.getsockname()[0])
        return _Session(client, remote_ip, local_ip)

    def _transaction(self, session: _Session, envelope: Envelope) -> tuple[Attempt, bool]:
        """MAIL, RCPT for each recipient, DATA. Returns the attempt and whether the connection
        can carry another message."""
        client = session.client
        session.sent += 1
        results: dict[str, RecipientResult] = {}
        accepted: list[str] = []
        try:
            code, message = client.mail(envelope.mail_from)
            if code != 250:
                reply = outcomes.from_smtp(code, message)
                _reset(client)
                return self._all(envelope, _verdict(reply), reply, session), True
            for recipient in envelope.recipients:
                code, message = client.rcpt(recipient)
                if 200 <= code < 300:
                    accepted.append(recipient)
                else:
                    reply = outcomes.from_smtp(code, message)
                    results[recipient] = RecipientResult(
                        address=recipient, verdict=_verdict(reply), reply=reply
                    )
            if not accepted:
                _reset(client)
                return self._attempt(envelope, results, session), True
            try:
                code, message = client.data(envelope.data)
                final = outcomes.from_smtp(code, message)
            except smtplib.SMTPDataError as error:  # DATA itself refused
                final = outcomes.from_smtp(error.smtp_code, error.smtp_error)
                _reset(client)
            verdict = Verdict.DELIVERED if final.positive else _verdict(final)
            for recipient in accepted:
                results[recipient] = RecipientResult(
                    address=recipient, verdict=verdict, reply=final
                )
            return (
                self._attempt(envelope, results, session, final.line if final.positive else None),
                True,
            )
        except (smtplib.SMTPException, OSError) as error:
            reply = _local_failure(error)
            for recipient in envelope.recipients:
                results.setdefault(
                    recipient,
                    RecipientResult(address=recipient, verdict=Verdict.DEFERRED, reply=reply),
                )
            return self._attempt(envelope, results, session), False

    def _attempt(
        self,
        envelope: Envelope,
        results: dict[str, RecipientResult],
        session: _Session | None,
        smtp_response: str | None = None,
    ) -> Attempt:
        return Attempt(
            key=envelope.key,
            results=[results[r] for r in envelope.recipients if r in results],
            finished_at=self._clock(),
            smtp_response=smtp_response,
            remote_ip=session.remote_ip if session else None,
            local_ip=session.local_ip if session else None,
        )

    def _all(
        self, envelope: Envelope, verdict: Verdict, reply: Reply, session: _Session | None = None
    ) -> Attempt:
        results = {
            r: RecipientResult(address=r, verdict=verdict, reply=reply) for r in envelope.recipients
        }
        return self._attempt(envelope, results, session)


def _candidates(hosts: Sequence[MailHost]) -> list[tuple[MailHost, str]]:
    return [(host, address) for host in hosts for address in host.addresses]


def _verdict(reply: Reply) -> Verdict:
    if reply.positive:
        return Verdict.DELIVERED
    return Verdict.BOUNCED if reply.permanent else Verdict.DEFERRED


def _reset(client: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        client.rset()


def _local_failure(error: BaseException) -> Reply:
    # smtplib reports a timed-out read as a disconnection caused by the timeout
    if isinstance(error.__context__, TimeoutError) or isinstance(error, TimeoutError):
        return outcomes.TIMED_OUT
    if isinstance(error, ssl.SSLError):
        return outcomes.TLS_FAILED
    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionResetError | BrokenPipeError):
        return outcomes.DROPPED
    if isinstance(error, smtplib.SMTPResponseException):
        return outcomes.from_smtp(error.smtp_code, error.smtp_error)
    if isinstance(error, OSError):
        return outcomes.CONNECT_FAILED
    return outcomes.INTERNAL
