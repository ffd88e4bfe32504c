"""mail/dkim.py on its own: what it signs, line endings, and keys (the wire tests are in
tests/api/test_dkim.py)."""

from __future__ import annotations

import base64

import dkim as dkimpy
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from openses.domain.errors import InvalidInput
from openses.mail import dkim

KEY = dkim.generate_key(1024)


def _verifies(message: bytes) -> bool:
    record = dkim.key_record(KEY).encode()
    return bool(dkimpy.verify(message, dnsfunc=lambda name, timeout=5: record))


@pytest.mark.parametrize("linesep", [b"\n", b"\r\n"])
def test_signs_the_headers_present_with_either_line_ending(linesep: bytes) -> None:
    lines = [b"From: a@example.com", b"To: b@example.net", b"X-Other: 1", b"Subject: Hi", b""]
    message = linesep.join([*lines, b"Body line  ", b""])
    signed = dkim.sign(message, domain="example.com", selector="s1", private_key_pem=KEY)
    assert signed.endswith(message)
    header = signed[: len(signed) - len(message)]
    assert header.startswith(b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;")
    assert header.endswith(linesep)
    # every line of the folded header ends the way the message's lines do
    assert header.count(b"\r\n") == (header.count(b"\n") if linesep == b"\r\n" else 0)
    tags = dict(
        tag.split("=", 1) for tag in "".join(header.decode()[15:].split()).split(";") if tag
    )
    assert tags["h"].split(":") == ["subject", "from", "to"]
    assert (tags["d"], tags["s"]) == ("example.com", "s1")
    assert _verifies(signed)
    assert not _verifies(signed.replace(b"Subject: Hi", b"Subject: Ho"))


def test_a_message_without_from_is_left_unsigned() -> None:
    message = b"To: b@example.net\nSubject: Hi\n\nBody\n"
    assert dkim.sign(message, domain="example.com", selector="s", private_key_pem=KEY) == message


def test_external_keys_in_both_encodings_and_the_public_record() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for private_format in (
        serialization.PrivateFormat.PKCS8,
        serialization.PrivateFormat.TraditionalOpenSSL,
    ):
        der = key.private_bytes(
            serialization.Encoding.DER, private_format, serialization.NoEncryption()
        )
        read = dkim.read_external_key(base64.b64encode(der).decode())
        assert read.bits == 1024
        assert read.private_key_pem.startswith("-----BEGIN RSA PRIVATE KEY-----\n")
        assert dkim.public_key_base64(read.private_key_pem) == base64.b64encode(public).decode()
    with pytest.raises(InvalidInput):
        dkim.read_external_key("!!!")


def test_record_key() -> None:
    assert dkim.record_key("v=DKIM1; k=rsa; p=AB CD ") == "ABCD"
    assert dkim.record_key("v=DKIM1; p = XY==") == "XY=="
    assert dkim.record_key("v=spf1 -all") is None


def _tags(signed: bytes) -> dict[str, str]:
    header = signed.split(b"\nFrom:", 1)[0].decode()
    value = "".join(header.removeprefix("DKIM-Signature:").split())
    return dict(tag.split("=", 1) for tag in value.split(";") if tag)


BODIES = [
    b"",
    b"Body\r\n",
    b"Body  with \t runs of  space  \r\n\r\n\r\n",
    b"  leading space\r\nsecond line\t\r\n\r\nafter a blank line\r\n",
]


@pytest.mark.parametrize("body", BODIES)
def test_the_signer_agrees_with_dkimpy(body: bytes) -> None:
    """openses signs through OpenSSL instead of dkimpy's pure-Python RSA (mail/dkim.py says
    why): for the same message, dkimpy computes the same body hash, and verifies openses'
    signature over folded, repeated and oddly spaced headers."""
    head = (
        b"From: Ann  <a@example.com>\r\n"
        b"To: b@example.net,\r\n\tc@example.net\r\n"
        b"Subject:  Hi   there \r\n"
        b"Subject: a second subject field\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain\r\n"
    )
    message = head + b"\r\n" + body
    ours = dkim.sign(message, domain="example.com", selector="s1", private_key_pem=KEY)
    theirs = dkimpy.sign(
        message,
        b"s1",
        b"example.com",
        KEY.encode(),
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=[b"MIME-Version", b"Content-Type", b"Subject", b"From", b"To"],
    )
    assert _tags(ours)["bh"] == _tags(theirs)["bh"]
    assert _verifies(ours)
    assert not _verifies(ours.replace(b"c@example.net", b"d@example.net"))
