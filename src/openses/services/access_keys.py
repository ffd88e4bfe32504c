"""Access keys (issue 18): creating them with a secret shown once, listing, deleting,
attaching IAM policies, the SES SMTP password of a key, and ``Credentials``, the cache the API,
the web endpoints and SMTP look keys up in."""

from __future__ import annotations

import base64
import datetime
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from sqlalchemy import Engine

from openses.config import Settings
from openses.domain import policy
from openses.store import access_keys as stored
from openses.store.access_keys import AttachedPolicy, StoredKey
from openses.store.database import log_failure

log = logging.getLogger("openses.auth")

ACCOUNT_ID = re.compile(r"\d{12}")
USER_NAME = re.compile(r"[\w+=,.@-]{1,64}")
# AWS's key ids: AKIA and 16 characters of base 32 (A-Z, 2-7); secrets: 40 of base 64.
_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


SealFn = Callable[[str], str]  # a secret -> its sealed form (services/secret_box.py)
OpenFn = Callable[[str], str]


class AccessKeyError(ValueError):
    """A key that does not exist, or an argument IAM would refuse; the message says which."""


@dataclass(frozen=True, slots=True)
class NewKey:
    key: StoredKey
    secret: str


def new_key_id() -> str:
    return "AKIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))


def new_secret() -> str:
    return base64.b64encode(secrets.token_bytes(30)).decode("ascii")


def create(
    engine: Engine,
    box_seal: SealFn,
    *,
    account_id: str,
    user_name: str | None,
    policy_document: str | None,
    now: datetime.datetime,
) -> NewKey:
    if not ACCOUNT_ID.fullmatch(account_id):
        raise AccessKeyError(f"the account id must be 12 digits, not {account_id!r}")
    if user_name is not None and not USER_NAME.fullmatch(user_name):
        raise AccessKeyError(
            f"the name must be 1 to 64 of letters, digits and +=,.@_-, not {user_name!r}"
        )
    policies: tuple[AttachedPolicy, ...] = ()
    if policy_document is not None:
        policies = (AttachedPolicy(name="policy", document=_checked(policy_document)),)
    secret = new_secret()
    key = StoredKey(
        access_key_id=new_key_id(),
        account_id=account_id,
        user_name=user_name,
        encrypted_secret=box_seal(secret),
        status=stored.ACTIVE,
        policies=policies,
        created_at=now,
    )
    stored.add(engine, key)
    return NewKey(key, secret)


def attach_policy(engine: Engine, access_key_id: str, name: str, document: str) -> None:
    if not policy.NAME.fullmatch(name):
        raise AccessKeyError(
            f"the policy name must be 1 to 128 of letters, digits and +=,.@_-, not {name!r}"
        )
    if not stored.attach(
        engine, access_key_id, AttachedPolicy(name=name, document=_checked(document))
    ):
        raise AccessKeyError(f"no access key {access_key_id}")


def delete(engine: Engine, access_key_id: str) -> None:
    if not stored.remove(engine, access_key_id):
        raise AccessKeyError(f"no access key {access_key_id}")


def secret_of(engine: Engine, box_open: OpenFn, access_key_id: str) -> str:
    key = stored.get(engine, access_key_id)
    if key is None:
        raise AccessKeyError(f"no access key {access_key_id}")
    return box_open(key.encrypted_secret)


def _checked(document: str) -> str:
    try:
        return policy.check_document(document)
    except policy.MalformedPolicy as error:
        raise AccessKeyError(f"MalformedPolicyDocument: {error}") from None


class Credentials:
    """Every known key: OPENSES_ACCESS_KEYS (which win) and the stored ones, whose secrets are
    opened once per load. The stored keys are re-read every ``refresh_seconds``, and at once
    (at most once a second) when a key not in the cache is asked for, so keys created or
    deleted by ``openses access-keys`` count within seconds."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        box_open: OpenFn | None,
        *,
        refresh_seconds: float = 5.0,
    ) -> None:
        self._settings = settings
        self._engine = engine
        self._box_open = box_open
        self._refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._accounts: dict[str, str] = {}
        self._secrets: dict[str, str] = {}
        self._policies: dict[str, tuple[policy.Statement, ...]] = {}
        self._users: dict[str, str] = {}
        self._loaded_at = float("-inf")
        self.accounts: Mapping[str, str] = _AccountView(self)

    def load(self) -> None:
        """Read the stored keys now; raises ``SecretKeyError`` when their secrets cannot be
        opened (strict mode's start-up check)."""
        keys = stored.all_keys(self._engine)
        accounts = {
            key.access_key_id: key.account_id for key in keys if key.status == stored.ACTIVE
        }
        found: dict[str, str] = {}
        if self._box_open is not None:
            for key in keys:
                if key.status == stored.ACTIVE:
                    found[key.access_key_id] = self._box_open(key.encrypted_secret)
        elif keys:
            log.warning("stored access keys cannot sign: no OPENSES_SECRET_KEY or key file")
        policies = {
            key.access_key_id: tuple(s for p in key.policies for s in policy.statements(p.document))
            for key in keys
            if key.status == stored.ACTIVE and key.policies
        }
        users = {key.access_key_id: key.user_name for key in keys if key.user_name}
        for access_key in self._settings.access_keys:
            policies.pop(access_key, None)
            users.pop(access_key, None)
        accounts.update(self._settings.access_keys)
        found.update(self._settings.access_key_secrets)
        self._accounts, self._secrets = accounts, found
        self._policies, self._users = policies, users
        self._loaded_at = time.monotonic()

    def _fresh(self, access_key: str) -> None:
        with self._lock:
            age = time.monotonic() - self._loaded_at
            if age > self._refresh_seconds or (access_key not in self._accounts and age > 1.0):
                self._reload_safely()

    def _reload_safely(self) -> None:
        try:
            self.load()
        except Exception as error:
            log_failure(log, "access keys could not be read; the previous ones stay", error)
            self._loaded_at = time.monotonic()

    def account_of(self, access_key: str) -> str | None:
        self._fresh(access_key)
        return self._accounts.get(access_key)

    def secret_of(self, access_key: str) -> str | None:
        self._fresh(access_key)
        return self._secrets.get(access_key)

    def policies_of(self, access_key: str) -> tuple[policy.Statement, ...] | None:
        """The statements of a key's attached policies; None: no policy attached, the key
        may do anything in its account."""
        self._fresh(access_key)
        return self._policies.get(access_key)

    def user_of(self, access_key: str) -> str:
        """The user name of a key (IAM's UserName), else the key id."""
        return self._users.get(access_key, access_key)

    def known(self) -> Iterator[str]:
        return iter(self._accounts)


class _AccountView(Mapping[str, str]):
    """Access key id -> account, as ``protocol.auth.caller_from_headers`` takes it."""

    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials

    def __getitem__(self, access_key: str) -> str:
        account = self._credentials.account_of(access_key)
        if account is None:
            raise KeyError(access_key)
        return account

    def __contains__(self, access_key: object) -> bool:
        return isinstance(access_key, str) and self._credentials.account_of(access_key) is not None

    def __iter__(self) -> Iterator[str]:
        return self._credentials.known()

    def __len__(self) -> int:
        return sum(1 for _ in self._credentials.known())
