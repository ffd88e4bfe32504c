"""The SMTP ports' certificate: the operator's (OPENSES_SMTP_TLS_CERT and _KEY), or a
self-signed one made once and kept in the database, so that every instance on one database
presents the same one."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import Engine

from openses.config import Settings
from openses.domain.clock import Clock
from openses.store import smtp_certificates

_VALID_FOR = datetime.timedelta(days=3650)


@dataclass(frozen=True, slots=True)
class Certificate:
    certificate_pem: str
    key_pem: str

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the DER certificate, as ``openssl x509 -fingerprint -sha256`` shows it."""
        first = x509.load_pem_x509_certificate(self.certificate_pem.encode("ascii"))
        digest = first.fingerprint(hashes.SHA256()).hex().upper()
        return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        # ssl loads a chain from files only; the PEM lives in a private temporary directory
        # for as long as loading takes.
        with tempfile.TemporaryDirectory() as directory:
            cert, key = Path(directory, "cert.pem"), Path(directory, "key.pem")
            cert.write_text(self.certificate_pem)
            key.touch(mode=0o600)
            key.write_text(self.key_pem)
            context.load_cert_chain(cert, key)
        return context


class CertificateError(RuntimeError):
    """The operator's certificate or key cannot be used; the message names the setting."""


def load(settings: Settings, engine: Engine, clock: Clock) -> Certificate:
    """The operator's certificate and key, checked; else the kept self-signed one."""
    cert, key = settings.smtp_tls_cert, settings.smtp_tls_key
    if bool(cert) != bool(key):
        raise CertificateError("OPENSES_SMTP_TLS_CERT and OPENSES_SMTP_TLS_KEY go together")
    if cert and key:
        texts = []
        for variable, path in (("OPENSES_SMTP_TLS_CERT", cert), ("OPENSES_SMTP_TLS_KEY", key)):
            try:
                texts.append(Path(path).read_text())
            except (OSError, UnicodeDecodeError) as error:
                raise CertificateError(f"{variable}={path!r} cannot be read: {error}") from None
        certificate = Certificate(texts[0], texts[1])
        try:
            certificate.server_context()
        except (ssl.SSLError, ValueError) as error:
            raise CertificateError(
                f"OPENSES_SMTP_TLS_CERT={cert!r} and OPENSES_SMTP_TLS_KEY={key!r} are not a "
                f"PEM certificate and its key: {error}"
            ) from None
        return certificate
    now = clock()
    kept_cert, kept_key = smtp_certificates.kept_or_new(engine, lambda: self_signed(now), now)
    return Certificate(kept_cert, kept_key)


def self_signed(now: datetime.datetime) -> tuple[str, str]:
    """A P-256 certificate for localhost and 127.0.0.1, as (certificate PEM, key PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "openses SMTP")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + _VALID_FOR)
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.IPv4Address("127.0.0.1")),
                    x509.IPAddress(ipaddress.IPv6Address("::1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii"),
    )
