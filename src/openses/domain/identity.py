"""Email identities: the addresses and domains an account may send from once verified."""

from __future__ import annotations

import base64
import datetime
import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum

from openses.domain.errors import InvalidDomain, InvalidEmailAddress
from openses.domain.feedback import FeedbackSettings
from openses.domain.options import Tag
from openses.domain.signing import DkimSettings, MailFromSettings

# A domain name: dot-separated labels of letters, digits and inner hyphens, 253 chars at most.
_DOMAIN = re.compile(
    r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}"
)
# The local part: printable ASCII except whitespace, '@', '<', '>', ',' ';' and quotes.
_LOCAL_PART = re.compile(r"[^\s@<>,;\"\\]{1,64}")
DKIM_TOKEN_COUNT = 3


class IdentityKind(StrEnum):
    EMAIL_ADDRESS = "EMAIL_ADDRESS"
    DOMAIN = "DOMAIN"


class VerificationStatus(StrEnum):
    PENDING = "PENDING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    TEMPORARY_FAILURE = "TEMPORARY_FAILURE"
    NOT_STARTED = "NOT_STARTED"


def kind_of(name: str) -> IdentityKind:
    return IdentityKind.EMAIL_ADDRESS if "@" in name else IdentityKind.DOMAIN


def is_valid_domain(domain: str) -> bool:
    return _DOMAIN.fullmatch(domain) is not None


def is_valid_email_address(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at) and _LOCAL_PART.fullmatch(local) is not None and is_valid_domain(domain)


def check_email_address(address: str) -> None:
    # AWS's wording has no space before the bracket (aws-sdk-php smoke test, Optum/dce#143).
    if not is_valid_email_address(address):
        raise InvalidEmailAddress(f"Invalid email address<{address}>.")


def check_domain(domain: str) -> None:
    if not is_valid_domain(domain):
        raise InvalidDomain(f"Invalid domain name <{domain}>.")


def check_name(name: str) -> None:
    if kind_of(name) is IdentityKind.EMAIL_ADDRESS:
        check_email_address(name)
    else:
        check_domain(name)


def sending_candidates(address: str) -> tuple[str, list[str]]:
    """The identities that may authorize ``address``: itself, then its domain and each parent
    domain, nearest first. A verified domain covers its subdomains too (SES developer guide,
    "Creating and verifying identities")."""
    domain = address.rpartition("@")[2].lower()
    labels = domain.split(".")
    return address, [".".join(labels[i:]) for i in range(len(labels) - 1)]


def same_address(a: str, b: str) -> bool:
    """The local part is compared exactly, the domain without regard to case."""
    local_a, _, domain_a = a.rpartition("@")
    local_b, _, domain_b = b.rpartition("@")
    return local_a == local_b and domain_a.lower() == domain_b.lower()


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x00".join(parts).encode()).digest()


@dataclass(slots=True, kw_only=True)
class EmailIdentity:
    name: str
    created_at: datetime.datetime
    verification_status: VerificationStatus = VerificationStatus.PENDING
    configuration_set_name: str | None = None
    tags: list[Tag] = field(default_factory=list)
    feedback: FeedbackSettings = field(default_factory=FeedbackSettings)
    # issue 15: DKIM signing and the custom MAIL FROM domain (domain/signing.py)
    dkim: DkimSettings = field(default_factory=DkimSettings)
    mail_from: MailFromSettings = field(default_factory=MailFromSettings)

    def __post_init__(self) -> None:
        check_name(self.name)

    @property
    def kind(self) -> IdentityKind:
        return kind_of(self.name)

    @property
    def verified(self) -> bool:
        return self.verification_status is VerificationStatus.SUCCESS

    def verify(self) -> None:
        self.verification_status = VerificationStatus.SUCCESS

    def verification_token(self, account_id: str, region: str) -> str:
        """The TXT record value for ``_amazonses.<domain>``. Derived, not stored, so repeated
        VerifyDomainIdentity calls answer the same token, as AWS does."""
        seed = _digest("verification", account_id, region, self.name.lower())
        return base64.b64encode(seed).decode()

    def dkim_tokens(self, account_id: str, region: str) -> list[str]:
        """Easy DKIM CNAME selectors: 32 lower-case base32 characters each, as AWS's are."""
        tokens = []
        for index in range(DKIM_TOKEN_COUNT):
            seed = _digest("dkim", str(index), account_id, region, self.name.lower())
            tokens.append(base64.b32encode(seed).decode()[:32].lower())
        return tokens
