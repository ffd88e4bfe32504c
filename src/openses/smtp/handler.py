"""The aiosmtpd handler of SMTP submission: who the session is (AUTH, or loopback in open
mode), and at the end of DATA the send itself, run exactly as SendRawEmail runs it: the
envelope's MAIL FROM is its Source, the RCPT TO addresses its Destinations, and the message
its RawMessage. The SMTP state machine is the library's."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any, Protocol, TypeVar

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from openses.domain.clock import Clock
from openses.domain.errors import OpensesError
from openses.domain.message import MAX_V2_MESSAGE_BYTES
from openses.domain.quota import NO_QUOTA, QuotaPolicy
from openses.mail import mime
from openses.protocol.auth import Caller
from openses.services import condition_keys, sending
from openses.services.authentication import Authentication
from openses.services.outbound import CAPTURE, Outbound
from openses.smtp import replies
from openses.smtp.auth import Authenticator
from openses.store.database import log_failure
from openses.store.sources import ConnectionSource
from openses.store.unit_of_work import UnitOfWork
from openses.tracking.links import Tracker

log = logging.getLogger("openses.smtp")
T = TypeVar("T")
# The ses:operation auto-tag of a message submitted over SMTP (docs/aws-behaviour.md).
OPERATION = "SendSmtpEmail"
# SES's limit for SMTP, as for the v2 API (DG quotas.md).
MAX_MESSAGE_BYTES = MAX_V2_MESSAGE_BYTES


class Sources(Protocol):
    @property
    def writes(self) -> ConnectionSource: ...


class Runner(Protocol):
    """Runs a unit of work where an API write of the same operation would run
    (``api/execution.py``'s Execution), so a send over SMTP holds the loop no longer."""

    async def run(self, operation: str, work: Callable[[Sources], T], *, off_loop: bool) -> T: ...


class Returns(Protocol):
    """The inbound side (smtp/inbound.py), for returns that reach the submission port: mail to
    a return path is taken there without AUTH, as an MX for a MAIL FROM domain would."""

    async def is_return(self, address: str) -> bool: ...

    async def take(self, session: Session, envelope: Envelope) -> str: ...


# RCPT TO of a return path after an address to send to, or the other way round
SEPARATE_TRANSACTIONS = "550 5.5.1 Returns and mail to send go in separate transactions"


@dataclass(eq=False)
class EnvelopeSteps:
    """MAIL FROM and RCPT TO as both SMTP handlers (this one and smtp/inbound.py's) take them:
    the envelope keeps what the client sent unless a subclass refuses it. Both hold a runner
    for their units of work (``_run``: ``off_loop`` as the API's write of the same operation
    runs) and a clock."""

    runner: Runner
    _: KW_ONLY
    clock: Clock
    off_loop: bool

    async def _run(self, operation: str, work: Callable[[Sources], T]) -> T:
        return await self.runner.run(operation, work, off_loop=self.off_loop)

    async def _refuse_sender(self, session: Session) -> str | None:
        return None

    async def _refuse_recipient(
        self, session: Session, envelope: Envelope, address: str
    ) -> str | None:
        return None

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        refused = await self._refuse_sender(session)
        if refused is not None:
            return refused
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
        refused = await self._refuse_recipient(session, envelope, address)
        if refused is not None:
            return refused
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return replies.OK


@dataclass(eq=False)
class SubmissionHandler(EnvelopeSteps):
    authenticator: Authenticator
    _: KW_ONLY
    tracker: Tracker | None
    outbound: Outbound = CAPTURE
    quota: QuotaPolicy = NO_QUOTA
    returns: Returns | None = None
    authentication: Authentication | None = None

    async def _is_return(self, address: str) -> bool:
        return self.returns is not None and await self.returns.is_return(address)

    # aiosmtpd calls this for AUTH PLAIN and LOGIN (``authenticator=`` of SMTP).
    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False, message=replies.AUTH_INVALID)
        user = data.login.decode("utf-8", "replace")
        caller = self.authenticator.authenticate(user, data.password.decode("utf-8", "replace"))
        if caller is None:
            return AuthResult(success=False, handled=False, message=replies.AUTH_INVALID)
        return AuthResult(success=True, auth_data=caller, message=replies.AUTH_SUCCESSFUL)

    def _caller(self, session: Session) -> Caller | None:
        if session.authenticated and isinstance(session.auth_data, Caller):
            return session.auth_data
        return self.authenticator.anonymous(peer_ip(session))

    async def _refuse_sender(self, session: Session) -> str | None:
        if self._caller(session) is None and self.returns is None:
            return replies.AUTH_REQUIRED  # with returns on, RCPT TO decides
        return None

    async def _refuse_recipient(
        self, session: Session, envelope: Envelope, address: str
    ) -> str | None:
        is_return = await self._is_return(address)
        if envelope.rcpt_tos and await self._is_return(envelope.rcpt_tos[0]) != is_return:
            return SEPARATE_TRANSACTIONS
        if not is_return and self._caller(session) is None:
            return replies.AUTH_REQUIRED
        return None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if (
            self.returns is not None
            and envelope.rcpt_tos
            and await self._is_return(envelope.rcpt_tos[0])
        ):
            return await self.returns.take(session, envelope)
        caller = self._caller(session)
        if caller is None:  # pragma: no cover - MAIL already refused the session
            return replies.AUTH_REQUIRED
        content = envelope.original_content or b""
        source = envelope.mail_from or None
        secure = _secure(server, session)
        denied = self._denial(caller, source, envelope.rcpt_tos, peer_ip(session), secure)
        if denied is not None:
            return denied
        email = sending.OutgoingEmail(
            from_address=source,
            envelope=mime.Envelope(source=source or "", recipients=list(envelope.rcpt_tos)),
            raw_message=content,
            max_size=MAX_MESSAGE_BYTES,
        )
        origin = sending.SendOrigin(
            operation=OPERATION,
            source_ip=peer_ip(session),
            identity=caller.access_key,
            principal=self.authentication.principal(caller) if self.authentication else "",
            action="SendRawEmail",
            conditions=condition_keys.for_smtp(
                caller,
                condition_keys.Connection(
                    source_ip=peer_ip(session), secure=secure, now=self.clock()
                ),
                source,
                envelope.rcpt_tos,
            ),
        )

        def send(sources: Sources) -> str:
            uow = UnitOfWork(sources.writes, caller.account_id, caller.region)
            return sending.send(
                uow,
                email,
                origin,
                self.clock,
                tracker=self.tracker,
                outbound=self.outbound,
                quota=self.quota,
            )

        try:
            message_id = await self._run("SendRawEmail", send)
        except OpensesError as error:
            reply = replies.for_error(error)
            if reply is None:
                log.exception("SMTP send from %s failed", peer_ip(session))
                return replies.TEMPORARY_FAILURE
            return reply
        except Exception as error:
            log_failure(log, f"SMTP send from {peer_ip(session)} failed", error)
            return replies.TEMPORARY_FAILURE
        return f"{replies.OK} {message_id}"

    def _denial(
        self,
        caller: Caller,
        source: str | None,
        recipients: list[str],
        source_ip: str,
        secure: bool,
    ) -> str | None:
        """SES's reply when the key's policies do not allow ses:SendRawEmail on the sender's
        identity (DG troubleshoot-smtp.md; the domain's identity, as for the API)."""
        if self.authentication is None or not self.authentication.limits(caller):
            return None
        connection = condition_keys.Connection(source_ip=source_ip, secure=secure, now=self.clock())
        context = condition_keys.for_smtp(caller, connection, source, recipients)
        domain = (source or "").rpartition("@")[2].lower()
        resource = (
            f"arn:aws:ses:{caller.region}:{caller.account_id}:identity/{domain}" if domain else "*"
        )
        denied = self.authentication.denied_resource(caller, "SendRawEmail", [resource], context)
        if denied is None:
            return None
        user = self.authentication.principal(caller)
        return replies.access_denied(user, "ses:SendRawEmail", denied)


def _secure(server: SMTP, session: Session) -> bool:
    """Over TLS: STARTTLS (aiosmtpd sets ``session.ssl``) or implicit TLS (SMTPS)."""
    if session.ssl is not None:
        return True
    transport = server.transport
    return transport is not None and transport.get_extra_info("ssl_object") is not None


def peer_ip(session: Session) -> str:
    peer = session.peer
    if isinstance(peer, tuple) and peer:
        return str(peer[0])
    return str(peer or "")
