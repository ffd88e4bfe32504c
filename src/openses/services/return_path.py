"""The envelope sender (MAIL FROM) of mail openses delivers.

A seam: the custom MAIL FROM domain and VERP logic belong to another part of issue 15, whose
body replaces this one at merge (same signature). Until then: an address identity's own address,
and for a domain identity an address of that domain made from the message id, so that a bounce
names the message it is about.
"""

from __future__ import annotations

from openses.domain.identity import EmailIdentity, IdentityKind


def envelope_sender(identity: EmailIdentity, message_id: str, region: str) -> str:
    """The MAIL FROM address of ``message_id``, sent by ``identity`` in ``region``."""
    del region  # used by the MAIL FROM / VERP implementation
    if identity.kind is IdentityKind.EMAIL_ADDRESS:
        return identity.name
    return f"{message_id}@{identity.name}"
