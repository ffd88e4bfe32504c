"""DKIM: signing a message (dkimpy), making Easy DKIM keys, reading BYODKIM keys, and the
public-key record a domain publishes.

Keys are kept as PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"), which dkimpy reads directly.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import dkim as dkimpy
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from openses.domain.errors import InvalidInput

# The header fields an Easy DKIM signature covers when the message has them, in this order:
# the fields of recorded SES domain signatures (h=MIME-Version:Content-Type:
# Content-Transfer-Encoding:Subject:From:To:Date:Message-ID, and Cc, In-Reply-To, References
# when present). Feedback-ID is SES's own (d=amazonses.com) signature's, not the domain's;
# the X-SES-* control headers are gone before signing. docs/aws-behaviour.md.
SIGNED_HEADERS = (
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Subject",
    "From",
    "To",
    "Cc",
    "In-Reply-To",
    "References",
    "Date",
    "Message-ID",
)
MIN_BITS = 1024
MAX_BITS = 2048


@dataclass(frozen=True, slots=True)
class ExternalKey:
    private_key_pem: str
    bits: int


def sign(message: bytes, *, domain: str, selector: str, private_key_pem: str) -> bytes:
    """The message with a DKIM-Signature header on top: rsa-sha256, relaxed/relaxed, over the
    SIGNED_HEADERS the message has. Line endings follow the message's own. A message without
    a From header cannot be signed (RFC 6376 requires From) and is returned as it is."""
    linesep = b"\r\n" if b"\r\n" in message else b"\n"
    present = _header_names(message)
    if "from" not in present:
        return message
    include = [name.encode() for name in SIGNED_HEADERS if name.lower() in present]
    signature = dkimpy.sign(
        message,
        selector.encode(),
        domain.encode(),
        private_key_pem.encode(),
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=include,
        linesep=linesep,
    )
    return bytes(signature) + message


def generate_key(bits: int) -> str:
    """A new RSA key, as PKCS#1 PEM. 2048 bits take a tenth of a second or more: callers keep
    this off the event loop (OpenSSL releases the GIL meanwhile)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return _pkcs1_pem(key)


def read_external_key(encoded: str) -> ExternalKey:
    """BYODKIM's DomainSigningPrivateKey: base64 of a DER RSA private key, PKCS#1 or PKCS#8,
    of 1024 to 2048 bits (SES developer guide, "Provide your own authentication token")."""
    try:
        der = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _bad_key() from None
    key = _load_der(der)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise _bad_key()
    if not MIN_BITS <= key.key_size <= MAX_BITS:
        raise InvalidInput(
            f"Invalid private key: the key has {key.key_size} bits; DKIM signing keys must "
            f"have {MIN_BITS} to {MAX_BITS} bits."
        )
    return ExternalKey(_pkcs1_pem(key), key.key_size)


def public_key_base64(private_key_pem: str) -> str:
    """The ``p=`` value: base64 of the DER SubjectPublicKeyInfo."""
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def key_record(private_key_pem: str) -> str:
    """The TXT record value that publishes the key."""
    return f"v=DKIM1; k=rsa; p={public_key_base64(private_key_pem)}"


def record_key(record: str) -> str | None:
    """The ``p=`` of a DKIM key record (TXT strings joined), whitespace removed; None if the
    record has none."""
    for tag in record.split(";"):
        name, equals, value = tag.partition("=")
        if equals and name.strip() == "p":
            return "".join(value.split())
    return None


def _load_der(der: bytes) -> object:
    try:
        return serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError):
        pass
    try:
        # PKCS#1 RSAPrivateKey, which cryptography reads through the PEM wrapper.
        pem = b"-----BEGIN RSA PRIVATE KEY-----\n" + base64.encodebytes(der)
        pem += b"-----END RSA PRIVATE KEY-----\n"
        return serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise _bad_key() from None


def _pkcs1_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def _header_names(message: bytes) -> set[str]:
    head = message.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    names = set()
    for line in head.split(b"\n"):
        if line and line[:1] not in (b" ", b"\t"):
            names.add(line.split(b":", 1)[0].strip().decode("ascii", "replace").lower())
    return names


def _bad_key() -> InvalidInput:
    # GUESS: AWS's wording for an unreadable BYODKIM key is unrecorded.
    return InvalidInput(
        "Invalid private key: DomainSigningPrivateKey must be the base64 encoding of an RSA "
        "private key in DER form (PKCS#1 or PKCS#8)."
    )
