"""What an identity signs and returns with: its DKIM settings (Easy DKIM or BYODKIM) and its
custom MAIL FROM domain. Plain rules; the keys themselves live in store/signing_keys.py and
mail/dkim.py."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from openses.domain.errors import InvalidInput


class SigningStatus(StrEnum):
    """botocore's DkimStatus and MailFromDomainStatus (the latter without NOT_STARTED)."""

    PENDING = "PENDING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    TEMPORARY_FAILURE = "TEMPORARY_FAILURE"
    NOT_STARTED = "NOT_STARTED"


class DkimOrigin(StrEnum):
    AWS_SES = "AWS_SES"  # Easy DKIM: openses makes and keeps the key
    EXTERNAL = "EXTERNAL"  # BYODKIM: the caller's key and selector


class KeyLength(StrEnum):
    RSA_1024_BIT = "RSA_1024_BIT"
    RSA_2048_BIT = "RSA_2048_BIT"

    @property
    def bits(self) -> int:
        return 1024 if self is KeyLength.RSA_1024_BIT else 2048


class MailFromBehavior(StrEnum):
    USE_DEFAULT_VALUE = "USE_DEFAULT_VALUE"
    REJECT_MESSAGE = "REJECT_MESSAGE"


# v1 spells both enums in CamelCase.
V1_BEHAVIORS = {
    "UseDefaultValue": MailFromBehavior.USE_DEFAULT_VALUE,
    "RejectMessage": MailFromBehavior.REJECT_MESSAGE,
}
V1_BEHAVIOR_NAMES = {value: key for key, value in V1_BEHAVIORS.items()}

# The selector a BYODKIM caller names (botocore's Selector shape: 1-63 characters).
_SELECTOR = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def key_length_of(bits: int) -> KeyLength:
    return KeyLength.RSA_1024_BIT if bits <= 1024 else KeyLength.RSA_2048_BIT


@dataclass(slots=True, kw_only=True)
class DkimSettings:
    """``origin`` None: DKIM was never set up for the identity (Status NOT_STARTED).
    ``signing_enabled`` None: never set; for an address identity it then follows its domain."""

    origin: DkimOrigin | None = None
    signing_enabled: bool | None = None
    status: SigningStatus = SigningStatus.NOT_STARTED
    selector: str | None = None  # BYODKIM's selector; Easy DKIM signs with the first token
    next_key_length: KeyLength = KeyLength.RSA_2048_BIT
    current_key_length: KeyLength | None = None
    key_generated_at: datetime.datetime | None = None

    @property
    def set_up(self) -> bool:
        return self.origin is not None

    @property
    def signs(self) -> bool:
        """A domain identity signs once its records are found (at once under auto-verify)."""
        return (
            self.set_up
            and self.signing_enabled is not False
            and self.status is SigningStatus.SUCCESS
        )

    def start(
        self,
        origin: DkimOrigin,
        *,
        verified: bool,
        now: datetime.datetime,
        key_length: KeyLength | None = None,
        selector: str | None = None,
    ) -> None:
        """A new key (Easy DKIM's, or the caller's): signing is on, and the records must be
        found again unless identities verify at once."""
        self.origin = origin
        self.signing_enabled = True
        self.status = SigningStatus.SUCCESS if verified else SigningStatus.PENDING
        self.selector = selector
        if key_length is not None:
            self.next_key_length = key_length
            self.current_key_length = key_length
        self.key_generated_at = now

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "signing_enabled": self.signing_enabled,
            "status": self.status,
            "selector": self.selector,
            "next_key_length": self.next_key_length,
            "current_key_length": self.current_key_length,
            "key_generated_at": self.key_generated_at.isoformat()
            if self.key_generated_at
            else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> DkimSettings:
        if not data:
            return cls()
        generated = data.get("key_generated_at")
        current = data.get("current_key_length")
        return cls(
            origin=DkimOrigin(data["origin"]) if data.get("origin") else None,
            signing_enabled=data.get("signing_enabled"),
            status=SigningStatus(data.get("status") or SigningStatus.NOT_STARTED),
            selector=data.get("selector"),
            next_key_length=KeyLength(data.get("next_key_length") or KeyLength.RSA_2048_BIT),
            current_key_length=KeyLength(current) if current else None,
            key_generated_at=datetime.datetime.fromisoformat(generated) if generated else None,
        )


@dataclass(slots=True, kw_only=True)
class MailFromSettings:
    """``domain`` None: no custom MAIL FROM domain (the behaviour is still reported)."""

    domain: str | None = None
    status: SigningStatus = SigningStatus.PENDING
    behavior: MailFromBehavior = MailFromBehavior.USE_DEFAULT_VALUE

    @property
    def usable(self) -> bool:
        return self.domain is not None and self.status is SigningStatus.SUCCESS

    @property
    def rejects(self) -> bool:
        """REJECT_MESSAGE applies while the custom domain is PENDING, FAILED or
        TEMPORARY_FAILURE (botocore sesv2, MailFromAttributes.BehaviorOnMxFailure)."""
        return (
            self.domain is not None
            and not self.usable
            and self.behavior is MailFromBehavior.REJECT_MESSAGE
        )

    def to_json(self) -> dict[str, Any]:
        return {"domain": self.domain, "status": self.status, "behavior": self.behavior}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> MailFromSettings:
        if not data:
            return cls()
        return cls(
            domain=data.get("domain"),
            status=SigningStatus(data.get("status") or SigningStatus.PENDING),
            behavior=MailFromBehavior(data.get("behavior") or MailFromBehavior.USE_DEFAULT_VALUE),
        )


def identity_domain(identity_name: str) -> str:
    """The domain an identity stands for: a domain itself, or an address's domain."""
    return identity_name.rpartition("@")[2].lower()


def check_mail_from_domain(identity_name: str, mail_from_domain: str) -> str:
    """A custom MAIL FROM domain is a valid domain name below the identity's domain
    (SetIdentityMailFromDomain's API reference). Returns it in lower case."""
    from openses.domain.identity import check_domain  # identity.py imports this module

    check_domain(mail_from_domain)
    lowered = mail_from_domain.lower().rstrip(".")
    if not lowered.endswith("." + identity_domain(identity_name)):
        # REC: AWS's wording, quoted from a Terraform error (InvalidParameterValue).
        raise InvalidInput(
            f"Provided MAIL-FROM domain <{mail_from_domain}> is not subdomain of the domain of "
            f"the identity <{identity_name}>."
        )
    return lowered


def check_selector(selector: str | None) -> str:
    if not selector:
        raise InvalidInput(
            "DomainSigningSelector is required when SigningAttributesOrigin is EXTERNAL."
        )
    if _SELECTOR.fullmatch(selector) is None:
        raise InvalidInput(f"Invalid DKIM selector <{selector}>.")
    return selector
