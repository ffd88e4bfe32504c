"""The envelope sender (SMTP MAIL FROM) of a message (issue 15).

Like SES, openses puts the message ID in the envelope sender's local part (VERP), so a bounce
or complaint returned to that address names the message it answers: ``<message id>@<domain>``.
The domain is the identity's custom MAIL FROM domain while that is SUCCESS; otherwise (no
custom domain, or USE_DEFAULT_VALUE while it is not verified) openses' default return-path
domain, the setting ``OPENSES_RETURN_PATH_DOMAIN`` (``{region}`` stands for the region), by
default ``{region}.openses.invalid``: an address that never resolves, which an operator who
delivers real mail replaces with a domain whose MX reaches openses' inbound side.
"""

from __future__ import annotations

import re

from openses.domain.identity import EmailIdentity
from openses.services.identity_signing import mail_from_identity
from openses.store.sources import ConnectionSource
from openses.store.unit_of_work import UnitOfWork

DEFAULT_RETURN_PATH_DOMAIN = "{region}.openses.invalid"
# domain/message.new_message_id: 16 hex digits, a UUID, and a 6-digit sequence suffix.
_MESSAGE_ID = re.compile(
    r"[0-9a-f]{16}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9]{6}"
)


def default_domain(template: str | None, region: str) -> str:
    """openses' own return-path domain for a region."""
    return (template or DEFAULT_RETURN_PATH_DOMAIN).replace("{region}", region).lower()


def envelope_sender(
    identity: EmailIdentity,
    message_id: str,
    region: str,
    *,
    default_return_domain: str | None = None,
) -> str:
    """The MAIL FROM of a message sent through ``identity`` (the identity whose MAIL FROM
    settings apply: services.identity_signing.mail_from_identity)."""
    if identity.mail_from.usable:
        assert identity.mail_from.domain is not None
        domain = identity.mail_from.domain
    else:
        domain = default_domain(default_return_domain, region)
    return f"{message_id}@{domain}"


def envelope_sender_for(
    uow: UnitOfWork,
    identity: EmailIdentity,
    message_id: str,
    *,
    default_return_domain: str | None = None,
) -> str:
    """The MAIL FROM for a message of ``identity`` (the sending identity), in an entered unit
    of work: an address identity without its own MAIL FROM domain uses its domain's."""
    return envelope_sender(
        mail_from_identity(uow, identity),
        message_id,
        uow.region,
        default_return_domain=default_return_domain,
    )


def message_id_from_return_path(address: str) -> str | None:
    """The message ID in an envelope sender openses made, for matching a returned message;
    None for any other address."""
    bare = address.strip().removeprefix("<").removesuffix(">")
    local, at, domain = bare.rpartition("@")
    if not at or not domain:
        return None
    local = local.lower()
    return local if _MESSAGE_ID.fullmatch(local) else None


def is_default_domain(domain: str, template: str | None) -> bool:
    """Whether ``domain`` is openses' own return-path domain for some region."""
    pattern = re.escape((template or DEFAULT_RETURN_PATH_DOMAIN).lower())
    pattern = pattern.replace(re.escape("{region}"), r"[a-z0-9-]+")
    return re.fullmatch(pattern, domain.lower().rstrip(".")) is not None


class ReturnDomains:
    """The domains openses puts in MAIL FROM, so the only ones a return may be addressed to:
    its own return-path domain (OPENSES_RETURN_PATH_DOMAIN, any region) and every identity's
    custom MAIL FROM domain. A message id at any other domain is no return of openses'."""

    def __init__(self, reads: ConnectionSource, template: str | None) -> None:
        self._reads = reads
        self._template = template

    def includes(self, domain: str) -> bool:
        if is_default_domain(domain, self._template):
            return True
        with UnitOfWork(self._reads, "", "") as uow:
            return domain.lower().rstrip(".") in uow.inbound.mail_from_domains()
