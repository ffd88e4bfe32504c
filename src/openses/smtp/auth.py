"""Who an SMTP session sends as: the SES SMTP password derived from a secret access key, and
the authenticator that checks AUTH PLAIN and LOGIN credentials.

Open mode takes any password for any key, and the key names the account as it does in the
API. Strict mode takes only the derived password of a known key's secret, in the SMTP region,
and no session without AUTH (issue 18).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from openses.protocol.auth import Caller, caller_for_key

# DG smtp-credentials.md: the constants of the version 4 derivation, exactly.
_DATE = "11111111"
_SERVICE = "ses"
_TERMINAL = "aws4_request"
_MESSAGE = "SendRawEmail"
_VERSION = b"\x04"


def _sign(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def smtp_password(secret: str, region: str) -> str:
    """The SES SMTP password of a secret access key in ``region`` (version 4 algorithm)."""
    key = _sign(("AWS4" + secret).encode("utf-8"), _DATE)
    for part in (region, _SERVICE, _TERMINAL, _MESSAGE):
        key = _sign(key, part)
    return base64.b64encode(_VERSION + key).decode("ascii")


class Authenticator(Protocol):
    """The caller an AUTH user name and password stand for; None refuses them (535)."""

    def authenticate(self, user: str, password: str) -> Caller | None: ...

    def anonymous(self, peer_ip: str) -> Caller | None:
        """The caller of a session that sends without AUTH; None: 530 Authentication required."""
        ...


@dataclass(eq=False)
class OpenAuthenticator:
    """Any password for any key: the key names the account as in the API."""

    access_keys: Mapping[str, str]
    default_account_id: str
    region: str

    def authenticate(self, user: str, password: str) -> Caller | None:
        if not user:
            return None
        return caller_for_key(user, self.region, self.access_keys, self.default_account_id)

    def anonymous(self, peer_ip: str) -> Caller | None:
        """From loopback only: convenient for local applications, and nothing else reaches."""
        try:
            loopback = ipaddress.ip_address(peer_ip).is_loopback
        except ValueError:
            return None
        return Caller(self.default_account_id, self.region) if loopback else None


class KeySecrets(Protocol):
    """Known keys (services/access_keys.py's Credentials)."""

    def account_of(self, access_key: str) -> str | None: ...

    def secret_of(self, access_key: str) -> str | None: ...


@dataclass(eq=False)
class StrictAuthenticator:
    """Only the SES SMTP password derived from a known key's secret for this region."""

    keys: KeySecrets
    region: str

    def authenticate(self, user: str, password: str) -> Caller | None:
        secret = self.keys.secret_of(user) if user else None
        account = self.keys.account_of(user) if secret is not None else None
        if secret is None or account is None:
            return None
        expected = smtp_password(secret, self.region)
        if not hmac.compare_digest(expected.encode(), password.encode("utf-8", "replace")):
            return None
        return Caller(account, self.region, user)

    def anonymous(self, peer_ip: str) -> Caller | None:
        return None
