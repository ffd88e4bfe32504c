"""What an SMTP answer (or the lack of one) means for a recipient: delivered, bounced or
deferred; and the facts AWS's events carry about it: the DSN status, the diagnostic code
(``smtp; 550 5.1.1 ...``) and the DeliveryDelay ``delayType``.

Failures with no answer from the peer (refused or dropped connections, timeouts, DNS, TLS)
get the reply a sending MTA writes for them, with RFC 3463 enhanced status codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENHANCED = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})\b")

# delayType values (SES developer guide, DeliveryDelay event contents)
TRANSIENT_COMMUNICATION_FAILURE = "TransientCommunicationFailure"
RECIPIENT_SERVER_ERROR = "RecipientServerError"
MAILBOX_FULL = "MailboxFull"
INTERNAL_FAILURE = "InternalFailure"
GENERAL = "General"


@dataclass(frozen=True, slots=True)
class Reply:
    code: int
    text: str
    # set for failures openses noticed itself (no reply from the peer): the delayType
    local_delay_type: str | None = None

    @property
    def line(self) -> str:
        return f"{self.code} {self.text}".strip()

    @property
    def status(self) -> str:
        """The enhanced status code: from the reply text, else the class of the basic code."""
        found = _ENHANCED.match(self.text)
        if found and found.group(1) == str(self.code)[0]:
            return found.group(0)
        return f"{self.code // 100}.0.0"

    @property
    def diagnostic_code(self) -> str:
        return f"smtp; {self.line}"

    @property
    def permanent(self) -> bool:
        return 500 <= self.code < 600

    @property
    def positive(self) -> bool:
        return 200 <= self.code < 300

    @property
    def delay_type(self) -> str:
        if self.local_delay_type is not None:
            return self.local_delay_type
        if self.status in ("4.2.2", "4.2.0") or (self.code == 452 and "4.2.2" in self.text):
            return MAILBOX_FULL
        return RECIPIENT_SERVER_ERROR


def from_smtp(code: int, message: bytes | str) -> Reply:
    """A reply as smtplib hands it over: lines joined by newlines."""
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return Reply(code, " ".join(line.strip() for line in text.splitlines() if line.strip()))


def _local(code: int, text: str, delay_type: str = TRANSIENT_COMMUNICATION_FAILURE) -> Reply:
    return Reply(code, text, delay_type)


CONNECT_FAILED = _local(421, "4.4.1 Unable to connect to remote host")
TIMED_OUT = _local(421, "4.4.2 Timed out waiting for the remote host")
DROPPED = _local(421, "4.4.2 Connection dropped by the remote host")
TLS_NOT_OFFERED = _local(421, "4.7.10 TLS is required, but the remote host does not offer it")
TLS_FAILED = _local(421, "4.7.5 TLS negotiation or certificate verification failed")
NO_DOMAIN = _local(450, "4.4.4 Unable to route: the recipient domain does not exist", GENERAL)
NO_MAIL_HOST = _local(450, "4.4.4 Unable to route: no address for the domain's mail hosts", GENERAL)
DNS_FAILED = _local(451, "4.4.3 DNS lookup of the recipient domain failed", GENERAL)
NULL_MX = Reply(556, "5.1.10 Recipient address has null MX")
NO_CONTENT = _local(451, "4.3.0 The message content is no longer stored", INTERNAL_FAILURE)
INTERNAL = _local(451, "4.3.0 Internal error while delivering", INTERNAL_FAILURE)


def relay_refused_login(code: int, message: bytes | str) -> Reply:
    """The relay refused openses' credentials: openses' own setup is wrong, so the mail waits
    (and expires) rather than bouncing, whatever the code; the reply is the diagnostic."""
    reply = from_smtp(code, message)
    return Reply(code, reply.text or "Authentication failed", INTERNAL_FAILURE)
